//===- SymbolNames.h - function names as code-object symbols ----*- C++ -*-===//
//
// Kernel symbols are made from the names of the functions they come from,
// and MLIR allows any string as a function name (@"my-model", @"a b",
// @"a.b", unicode), while PTX identifiers are [A-Za-z0-9_$] (LLVM's NVPTX
// back end aborts on others, ptxas rejects '.'), and ELF and HSACO tools are
// happiest with the same. So a name that is not a plain identifier is
// mangled, reversibly and injectively, before it becomes part of a symbol:
//
//   plain (starts with a letter, then letters, digits, '_'): kept as is
//   anything else: '_' followed by each byte: letters and digits as they
//                  are, '_' as "__", any other byte as '_' and two
//                  uppercase hex digits ("my-model" -> "_my_2Dmodel")
//
// A mangled name always starts with '_' and a plain one never does, so no
// two names share a symbol. Messages show demangleSymbol()'s result.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_FORMAT_SYMBOLNAMES_H
#define TGC_FORMAT_SYMBOLNAMES_H

#include <string>

namespace tgc {

inline bool isPlainSymbol(const std::string &name) {
  auto letter = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  };
  if (name.empty() || !letter(name[0]))
    return false;
  for (char c : name)
    if (!letter(c) && !(c >= '0' && c <= '9') && c != '_')
      return false;
  return true;
}

/// `name` as a symbol every code-object format accepts.
inline std::string mangleSymbol(const std::string &name) {
  if (isPlainSymbol(name))
    return name;
  static const char hexDigits[] = "0123456789ABCDEF";
  std::string out = "_";
  for (unsigned char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9')) {
      out += char(c);
    } else if (c == '_') {
      out += "__";
    } else {
      out += '_';
      out += hexDigits[c >> 4];
      out += hexDigits[c & 15];
    }
  }
  return out;
}

/// The readable form of a symbol that starts with a mangled name (the rest,
/// e.g. a "_kernel3" suffix, is kept): "_my_2Dmodel_kernel0" ->
/// "my-model_kernel0". Plain symbols are returned unchanged.
inline std::string demangleSymbol(const std::string &symbol) {
  if (symbol.empty() || symbol[0] != '_')
    return symbol;
  auto hexValue = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  std::string out;
  size_t i = 1;
  while (i < symbol.size()) {
    char c = symbol[i];
    if (c != '_') {
      out += c;
      ++i;
      continue;
    }
    if (i + 1 < symbol.size() && symbol[i + 1] == '_') {
      out += '_';
      i += 2;
      continue;
    }
    int high = i + 1 < symbol.size() ? hexValue(symbol[i + 1]) : -1;
    int low = i + 2 < symbol.size() ? hexValue(symbol[i + 2]) : -1;
    if (high < 0 || low < 0)
      break; // the end of the mangled name: a suffix follows
    out += char(high * 16 + low);
    i += 3;
  }
  return out + symbol.substr(i);
}

} // namespace tgc

#endif // TGC_FORMAT_SYMBOLNAMES_H
