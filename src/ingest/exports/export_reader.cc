#include "ingest/exports/export_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/iso_time.h"
#include "ingest/exports/file_source.h"
#include "ingest/exports/zip_archive.h"

namespace memconn {

namespace {

// True when the file starts like a ZIP (a local file header, or an empty archive's end record).
bool has_zip_signature(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char head[4] = {};
  ssize_t n = ::read(fd, head, 4);
  ::close(fd);
  return n == 4 && head[0] == 'P' && head[1] == 'K' && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
}

}  // namespace

// One candidate file after another. A file that cannot be opened is an error for it alone;
// a container that breaks (a truncated ZIP) has no more files.
class ExportReader::Container {
 public:
  struct File {
    std::string relative;          // for classification
    ByteSource* source = nullptr;  // valid until the next call
    FileRole role = FileRole::Conversations;
  };
  virtual ~Container() = default;
  // false: no more files. Error: this file cannot be read.
  virtual Result<bool> next(File& out) = 0;
};

namespace {

class SingleFile : public ExportReader::Container {
 public:
  explicit SingleFile(std::unique_ptr<FileSource> f) : file_(std::move(f)) {}
  Result<bool> next(File& out) override {
    if (done_) return false;
    done_ = true;
    out.relative = file_->name();
    out.source = file_.get();
    out.role = FileRole::Conversations;  // named explicitly: it is meant to hold conversations
    return true;
  }

 private:
  std::unique_ptr<FileSource> file_;
  bool done_ = false;
};

class Folder : public ExportReader::Container {
 public:
  explicit Folder(std::vector<ExportFile> files) : files_(std::move(files)) {}
  Result<bool> next(File& out) override {
    while (at_ < files_.size()) {
      const ExportFile& f = files_[at_++];
      out.role = classify_export_file(f.relative);
      if (out.role == FileRole::Other) continue;
      out.relative = f.relative;
      out.source = nullptr;
      if (out.role == FileRole::Companion) return true;
      auto opened = FileSource::open(f.path);
      if (!opened) return opened.error();
      current_ = std::move(*opened);
      out.source = current_.get();
      return true;
    }
    return false;
  }

 private:
  std::vector<ExportFile> files_;
  size_t at_ = 0;
  std::unique_ptr<FileSource> current_;
};

class Zip : public ExportReader::Container {
 public:
  explicit Zip(std::unique_ptr<ZipArchive> zip) : zip_(std::move(zip)) {}
  Result<bool> next(File& out) override {
    for (;;) {
      if (zip_->failed()) return false;  // already reported by the entry that broke
      ZipEntry e;
      auto more = zip_->next(e);
      if (!more) return more.error();
      if (!*more) return false;
      if (!e.is_file) continue;
      out.role = classify_export_file(e.path);
      if (out.role == FileRole::Other) continue;
      out.relative = e.path;
      out.source = out.role == FileRole::Companion ? nullptr : &zip_->data();
      return true;
    }
  }

 private:
  std::unique_ptr<ZipArchive> zip_;
};

}  // namespace

ExportReader::ExportReader(std::unique_ptr<Container> files, ExportReaderOptions options)
    : files_(std::move(files)), options_(std::move(options)), parser_(options_.import) {}

ExportReader::~ExportReader() = default;

Result<std::unique_ptr<ExportReader>> ExportReader::open(const std::string& path, ExportReaderOptions options) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return Error{path + ": " + std::strerror(errno)};
  std::unique_ptr<Container> files;
  if (S_ISDIR(st.st_mode)) {
    auto list = list_export_folder(path);
    if (!list) return list.error();
    files = std::make_unique<Folder>(std::move(*list));
  } else if (has_zip_extension(path) || has_zip_signature(path)) {
    auto zip = ZipArchive::open(path);
    if (!zip) return zip.error();
    files = std::make_unique<Zip>(std::move(*zip));
  } else {
    auto f = FileSource::open(path);
    if (!f) return f.error();
    files = std::make_unique<SingleFile>(std::move(*f));
  }
  return std::unique_ptr<ExportReader>(new ExportReader(std::move(files), std::move(options)));
}

Result<std::unique_ptr<ExportReader>> ExportReader::open_zip_memory(std::string_view data, std::string name,
                                                                    ExportReaderOptions options) {
  auto zip = ZipArchive::open_memory(data, std::move(name));
  if (!zip) return zip.error();
  return std::unique_ptr<ExportReader>(new ExportReader(std::make_unique<Zip>(std::move(*zip)), std::move(options)));
}

bool ExportReader::next(ExportEvent& out) {
  out = ExportEvent{};
  for (;;) {
    if (!splitter_) {
      Container::File f;
      auto more = files_->next(f);
      if (!more) {
        out.type = ExportEvent::Type::FileError;
        out.message = more.error().message;
        return true;
      }
      if (!*more) return false;
      if (f.role == FileRole::Companion) {
        out.type = ExportEvent::Type::Note;
        out.where.file = f.relative;
        out.message = f.relative + ": account or project data, not conversations: skipped";
        return true;
      }
      role_ = f.role;
      probing_ = role_ == FileRole::Probe;
      file_ = f.source->name();
      SplitterOptions so;
      so.single_value = true;  // a file may hold one conversation object rather than an array
      so.max_element_bytes = options_.max_conversation_bytes;
      // libarchive fills a read buffer whole before it returns, so the read size is what a
      // truncated ZIP loses of the data before the break: keep it small.
      so.read_chunk = 64 << 10;
      splitter_ = std::make_unique<JsonArraySplitter>(*f.source, so);
    }
    JsonElement e;
    auto got = splitter_->next(e);
    if (!got) {
      splitter_.reset();
      out.type = ExportEvent::Type::FileError;
      out.where.file = file_;
      out.message = got.error().message;
      return true;
    }
    if (!*got) {
      splitter_.reset();
      continue;
    }
    if (element(e, out)) return true;
  }
}

bool ExportReader::element(const JsonElement& e, ExportEvent& out) {
  out.where = {file_, e.index, e.offset, e.end_offset};
  Conversation& c = out.conversation;
  ParseOutcome o = parser_.parse(e.bytes, true, c, out.error);
  if (probing_) {
    probing_ = false;
    if (o == ParseOutcome::NotAConversation) {
      splitter_.reset();
      out.type = ExportEvent::Type::Note;
      out.message = file_ + ": not conversations (its first element is " + out.error.why + "): skipped";
      out.error = {};
      return true;
    }
  }
  if (o != ParseOutcome::Conversation) {
    out.type = ExportEvent::Type::Failed;
    return true;
  }
  std::string key = std::string(kind_name(c.kind)) + ":" + c.id;
  std::string here = file_ + " element " + std::to_string(e.index);
  auto [it, first] = seen_.emplace(key, here);
  out.type = ExportEvent::Type::Skipped;
  if (!first) {
    out.message = "duplicate: the same conversation was read at " + it->second;
  } else if (const auto& since = options_.import.since;
             since && !c.updated.empty() && parse_iso8601(c.updated).value_or(*since) < *since) {
    out.message = "not updated since " + format_iso8601(*since) + " (last updated " + c.updated + ")";
  } else if (c.turns.empty()) {
    out.message = "no visible turns";
  } else {
    out.type = ExportEvent::Type::Conversation;
  }
  return true;
}

// What the first element of a stream says about it.
static Result<InputKind> sniff(ByteSource& source, bool single_value) {
  SplitterOptions so;
  so.single_value = single_value;
  JsonArraySplitter splitter(source, so);
  JsonElement e;
  auto got = splitter.next(e);
  InputKind k;
  if (!got) {
    // Not JSON at all (text), or not an array: an ordinary file. An array broken inside its
    // first element is still an array: reading it says where it breaks.
    if (splitter.top_level_is_array()) k.shape = InputKind::Shape::JsonArray;
    return k;
  }
  if (*got) {
    ConversationParser parser({});
    Conversation c;
    ConversationError err;
    if (parser.parse(e.bytes, true, c, err) != ParseOutcome::NotAConversation) {
      k.shape = InputKind::Shape::ChatExport;
      k.kind = err.kind != ExportKind::Auto ? err.kind : c.kind;
      return k;
    }
  }
  if (splitter.top_level_is_array()) k.shape = InputKind::Shape::JsonArray;
  return k;
}

Result<InputKind> detect_input(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return Error{path + ": " + std::strerror(errno)};
  InputKind none;
  if (S_ISDIR(st.st_mode)) {
    auto list = list_export_folder(path);
    if (!list) return list.error();
    for (const auto& f : *list) {
      FileRole role = classify_export_file(f.relative);
      if (role != FileRole::Conversations && role != FileRole::Probe) continue;
      auto src = FileSource::open(f.path);
      if (!src) continue;
      auto k = sniff(**src, true);
      if (k && k->shape == InputKind::Shape::ChatExport) return k;
    }
    return none;
  }
  if (has_zip_extension(path) || has_zip_signature(path)) {
    auto zip = ZipArchive::open(path);
    if (!zip) return zip.error();
    ZipEntry e;
    for (;;) {
      auto more = (*zip)->next(e);
      if (!more) return more.error();
      if (!*more) return none;
      FileRole role = classify_export_file(e.path);
      if (!e.is_file || (role != FileRole::Conversations && role != FileRole::Probe)) continue;
      auto k = sniff((*zip)->data(), true);
      if (!k) return k.error();
      if (k->shape == InputKind::Shape::ChatExport) return k;
    }
  }
  auto src = FileSource::open(path);
  if (!src) return src.error();
  return sniff(**src, false);
}

}  // namespace memconn
