// The documented exit codes (README "Exit codes", man page EXIT STATUS).
#pragma once

namespace memconn::exit_code {
constexpr int kOk = 0;            // everything done
constexpr int kPartial = 1;       // finished, but some items are in the dead-letter file / inputs skipped
constexpr int kUsage = 2;         // bad command line
constexpr int kConfig = 3;        // bad config or state file
constexpr int kAuth = 4;          // the server refused our credentials (401/403)
constexpr int kWrongTarget = 5;   // the URL answers, but not as the API (3xx/404/405/501, every item the same error,
                                  // a reply longer than --max-response-bytes, or plain HTTP at an https:// URL)
constexpr int kUnreachable = 69;  // target unreachable after retries / outage longer than --max-outage
constexpr int kCantCreate = 73;   // the state directory or a state file cannot be created or written (local fault)
constexpr int kLocked = 75;       // another run holds the state lock (only that: schedulers retry 75)
constexpr int kSigInt = 130;
constexpr int kSigTerm = 143;
// The --json "result" word of a command whose outcome is its exit status (man page, JSON OUTPUT).
constexpr const char* result_word(int code) {
  switch (code) {
    case kOk: return "ok";
    case kPartial: return "partial";
    case kUsage: return "usage";
    case kConfig: return "config";
    case kAuth: return "auth";
    case kWrongTarget: return "wrong_target";
    case kUnreachable: return "unreachable";
    case kCantCreate: return "cant_create";
    case kLocked: return "locked";
    case kSigInt:
    case kSigTerm: return "interrupted";
    default: return "failed";
  }
}
// Every code above: a test checks that the README, the man page and `--help` document each.
inline constexpr int kAll[] = {kOk,          kPartial,    kUsage,  kConfig, kAuth,  kWrongTarget,
                               kUnreachable, kCantCreate, kLocked, kSigInt, kSigTerm};
}  // namespace memconn::exit_code
