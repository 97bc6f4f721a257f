#include "ingest/exports/zip_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

namespace memconn {

namespace {

struct archive* new_zip_reader() {
  struct archive* a = archive_read_new();
  // ZIP only: a .zip that is really a tarball or a 7z is a mistake worth naming, and fewer
  // formats mean less of libarchive exposed to an untrusted download.
  archive_read_support_format_zip(a);
  return a;
}

// libarchive's message, made one line: some end in a newline (found by fuzzing: "ZIP
// uncompressed data is wrong size (…)\n"), and an entry name inside one can hold anything.
std::string archive_message(struct archive* a) {
  const char* m = archive_error_string(a);
  std::string out;
  for (const char* p = m ? m : ""; *p; ++p) out += static_cast<unsigned char>(*p) < 0x20 ? ' ' : *p;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? "unknown error" : out;
}

}  // namespace

ZipArchive::ZipArchive(struct archive* a, std::string name) : a_(a), name_(std::move(name)), entry_(*this) {}

ZipArchive::~ZipArchive() { archive_read_free(a_); }

Result<std::unique_ptr<ZipArchive>> ZipArchive::open(const std::string& path) {
  struct archive* a = new_zip_reader();
  if (archive_read_open_filename(a, path.c_str(), 1 << 16) != ARCHIVE_OK) {
    Error e{path + ": cannot read as ZIP: " + archive_message(a)};
    archive_read_free(a);
    return e;
  }
  return std::unique_ptr<ZipArchive>(new ZipArchive(a, path));
}

Result<std::unique_ptr<ZipArchive>> ZipArchive::open_memory(std::string_view data, std::string name) {
  struct archive* a = new_zip_reader();
  if (archive_read_open_memory(a, data.data(), data.size()) != ARCHIVE_OK) {
    Error e{name + ": cannot read as ZIP: " + archive_message(a)};
    archive_read_free(a);
    return e;
  }
  return std::unique_ptr<ZipArchive>(new ZipArchive(a, std::move(name)));
}

Error ZipArchive::failure(const std::string& while_doing) {
  failed_ = name_ + ": corrupt or truncated ZIP " + while_doing + " near offset " +
            std::to_string(archive_filter_bytes(a_, -1)) + ": " + archive_message(a_);
  return Error{failed_};
}

Result<bool> ZipArchive::next(ZipEntry& out) {
  if (!failed_.empty()) return Error{failed_};
  struct archive_entry* e = nullptr;
  int rc = archive_read_next_header(a_, &e);
  if (rc == ARCHIVE_EOF) return false;
  // ARCHIVE_WARN carries a usable header (e.g. an unsupported extra field): read on.
  if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
    return failure(entry_path_.empty() ? std::string("at its first entry") : "after entry " + entry_path_);
  const char* p = archive_entry_pathname_utf8(e);
  if (!p) p = archive_entry_pathname(e);
  entry_path_ = p ? p : "";
  // Names reach messages and reports: a control character in one must not break a line.
  for (auto& c : entry_path_)
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  out.path = entry_path_;
  out.size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
  out.is_file = archive_entry_filetype(e) == AE_IFREG;
  entry_.name_ = name_ + ":" + entry_path_;
  return true;
}

Result<size_t> ZipArchive::EntrySource::read(char* buf, size_t n) {
  if (!zip_.failed_.empty()) return Error{zip_.failed_};
  la_ssize_t k = archive_read_data(zip_.a_, buf, n);
  if (k < 0) return zip_.failure("in entry " + zip_.entry_path_);
  return static_cast<size_t>(k);
}

}  // namespace memconn
