//===- SafeFiles.h - private directories and files opened safely -*- C++
//-*-===//
//
// What tgc's caches and key files need from the file system when other
// users (or a process running as root for them) may have planted things:
//  - a directory is used only once it is open and its owner and mode are
//    checked on the open descriptor: owned by this user, not writable by
//    group or others, not a symlink; every file in it is then opened with
//    openat relative to that descriptor, so renaming or replacing the path
//    afterwards changes nothing;
//  - files are opened with O_NOFOLLOW (a planted symlink is refused, never
//    followed to create or read another file) and O_NONBLOCK (a FIFO named
//    like a file never blocks open), and only regular files are read;
//  - files are written to a temporary name (O_EXCL), fsynced and renamed.
//
// No LLVM here: the runtime uses this.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_SUPPORT_SAFEFILES_H
#define TGC_SUPPORT_SAFEFILES_H

#include "support/Status.h"

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace tgc {

/// An open directory that was checked to be private to this user.
class PrivateDirectory {
public:
  PrivateDirectory() = default;
  ~PrivateDirectory();
  PrivateDirectory(PrivateDirectory &&other) noexcept;
  PrivateDirectory &operator=(PrivateDirectory &&other) noexcept;
  PrivateDirectory(const PrivateDirectory &) = delete;
  PrivateDirectory &operator=(const PrivateDirectory &) = delete;

  /// Opens `path` (its last component must not be a symlink) and checks
  /// that it is a directory owned by this user that group and others cannot
  /// write. With `create`, missing directories on the way are made with
  /// mode 0700. `what` names the directory in errors ("kernel cache
  /// directory"). Fails with PERMISSION_DENIED (unsafe owner or mode, with
  /// how to fix it), NOT_FOUND or IO_ERROR.
  static Status open(const std::string &path, bool create,
                     const std::string &what, PrivateDirectory &out);

  bool isOpen() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const std::string &path() const { return path_; }
  /// `path()/name`, for messages.
  std::string pathOf(const std::string &name) const;

private:
  int fd_ = -1;
  std::string path_;
};

/// Checks an open directory: owner this user, not group/world-writable.
/// `path` and `what` are for the message.
Status checkPrivate(int fd, const std::string &path, const std::string &what);

/// Opens `name` in `dirFd` for reading without following a symlink or
/// blocking on a FIFO; fails unless it is a regular file. Returns the
/// descriptor (the caller closes it) or -1 with `error` set; `absent` is set
/// when there is no such file.
int openRegularFileAt(int dirFd, const std::string &name, std::string &error,
                      bool *absent = nullptr);

/// Reads all of regular file `name` in `dirFd` (see openRegularFileAt),
/// refusing files larger than `maxBytes`. NOT_FOUND when absent.
Status readFileAt(int dirFd, const std::string &name, uint64_t maxBytes,
                  std::vector<uint8_t> &out);

/// Writes `size` bytes to `name` in `dirFd` through a temporary file that
/// is fsynced and renamed into place (mode `mode`). With `replace` false an
/// existing `name` is kept and ALREADY-exists is reported by returning
/// false in `created` (the caller then reads the winner's file).
Status writeFileAt(int dirFd, const std::string &name, const void *bytes,
                   size_t size, mode_t mode, bool replace = true,
                   bool *created = nullptr);

/// Writes `bytes` to `path` like a compiler writes its output: through a
/// temporary file next to it, fsynced and renamed over `path`, so a failed
/// or interrupted write (full disk) leaves no partial file and an existing
/// one untouched. A `path` that exists and is not a regular file (a device
/// such as /dev/null or /dev/full, a FIFO) is written directly instead.
/// Errors name the path and the system's reason (errno), never "Success".
Status writeFileAtomically(const std::string &path, const void *bytes,
                           size_t size, mode_t mode = 0644);

/// `name` is a plain file name: not empty, no '/', not "." or "..".
bool isPlainFileName(const std::string &name);

/// A per-user directory by the XDG rules: $<overrideVariable> if set, else
/// $<xdgVariable>/tgc if that is absolute (relative ones are invalid), else
/// ~/<homeRelative>/tgc; "" when there is no home directory.
std::string userDirectory(const char *overrideVariable, const char *xdgVariable,
                          const char *homeRelative);

} // namespace tgc

#endif // TGC_SUPPORT_SAFEFILES_H
