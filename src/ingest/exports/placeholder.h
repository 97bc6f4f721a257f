// The short stand-in for content that is not text (an image, a voice note, a block type the
// service added after this was written): "[image]". Kept in the turn so the conversation
// still says that something was there, never an error.
#pragma once
#include <string>
#include <string_view>

namespace memconn {

// "[" + name + "]" with the name cut to 40 characters of [A-Za-z0-9 _.:-] (anything else
// becomes '_'), so a hostile type name cannot inject text or line breaks.
std::string placeholder(std::string_view name);

}  // namespace memconn
