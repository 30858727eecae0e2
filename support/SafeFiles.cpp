//===- SafeFiles.cpp - private directories and files opened safely --------===//

#include "support/SafeFiles.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace tgc;

namespace {

std::string errnoText(int err) { return std::strerror(err); }

std::string octalMode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%04o", unsigned(mode & 07777));
  return buf;
}

bool writeAll(int fd, const uint8_t *data, size_t size, int &err) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      err = n < 0 ? errno : EIO;
      return false;
    }
    data += n;
    size -= size_t(n);
  }
  return true;
}

/// A name no other process picks: pid, a counter and the time.
std::string temporaryName(const std::string &name) {
  static std::atomic<uint64_t> counter{0};
  struct timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  char buf[96];
  std::snprintf(buf, sizeof(buf), ".%ld.%llu.%ld%09ld", long(::getpid()),
                (unsigned long long)counter.fetch_add(1), long(now.tv_sec),
                long(now.tv_nsec));
  return ".tmp-" + name + buf;
}

Status ioError(const std::string &what, int err) {
  return Status::ioError(what + ": " + errnoText(err));
}

} // namespace

//===----------------------------------------------------------------------===//
// PrivateDirectory
//===----------------------------------------------------------------------===//

PrivateDirectory::~PrivateDirectory() {
  if (fd_ >= 0)
    ::close(fd_);
}

PrivateDirectory::PrivateDirectory(PrivateDirectory &&other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

PrivateDirectory &
PrivateDirectory::operator=(PrivateDirectory &&other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

std::string PrivateDirectory::pathOf(const std::string &name) const {
  return path_ + "/" + name;
}

Status tgc::checkPrivate(int fd, const std::string &path,
                         const std::string &what) {
  struct stat st;
  if (::fstat(fd, &st) != 0)
    return ioError("cannot check " + what + " '" + path + "'", errno);
  if (!S_ISDIR(st.st_mode))
    return Status::ioError(what + " '" + path + "' is not a directory");
  if (st.st_uid != ::geteuid())
    return {TGC_STATUS_PERMISSION_DENIED,
            what + " '" + path + "' belongs to another user (uid " +
                std::to_string(st.st_uid) +
                "), who could replace what is in it; use a directory of "
                "your own"};
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    return {TGC_STATUS_PERMISSION_DENIED,
            what + " '" + path + "' is writable by other users (mode " +
                octalMode(st.st_mode) +
                "), who could replace what is in it; make it private with "
                "chmod 700 '" +
                path + "'"};
  return Status::ok();
}

/// mkdir -p with mode 0700 for what it creates.
static bool makeDirectories(const std::string &path, int &err) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    err = ENOTDIR;
    return S_ISDIR(st.st_mode);
  }
  size_t slash = path.find_last_of('/');
  if (slash != std::string::npos && slash > 0 &&
      !makeDirectories(path.substr(0, slash), err))
    return false;
  if (::mkdir(path.c_str(), 0700) == 0 || errno == EEXIST)
    return true;
  err = errno;
  return false;
}

Status PrivateDirectory::open(const std::string &path, bool create,
                              const std::string &what, PrivateDirectory &out) {
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/')
    trimmed.pop_back();
  if (trimmed.empty())
    return Status::invalidArgument(what + ": empty path");
  int err = 0;
  if (create && !makeDirectories(trimmed, err))
    return Status::ioError(what + " '" + trimmed + "' cannot be created (" +
                           errnoText(err) + ")");
  // O_NOFOLLOW on the last component: a symlink planted there (into another
  // user's directory) is refused. Symlinks higher up are the user's own
  // arrangement (a home on another disk).
  int fd =
      ::open(trimmed.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    err = errno;
    struct stat st;
    // With O_DIRECTORY, Linux reports a symlink as ENOTDIR, not ELOOP.
    if (err == ELOOP || (err == ENOTDIR && ::lstat(trimmed.c_str(), &st) == 0 &&
                         S_ISLNK(st.st_mode)))
      return {TGC_STATUS_PERMISSION_DENIED,
              what + " '" + trimmed +
                  "' is a symbolic link; tgc uses only a real directory "
                  "there (remove the link)"};
    if (err == ENOENT)
      return Status::notFound(what + " '" + trimmed + "' does not exist");
    return Status::ioError(what + " '" + trimmed + "' cannot be opened (" +
                           errnoText(err) + ")");
  }
  Status status = checkPrivate(fd, trimmed, what);
  if (!status) {
    ::close(fd);
    return status;
  }
  out = PrivateDirectory();
  out.fd_ = fd;
  out.path_ = trimmed;
  return Status::ok();
}

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

bool tgc::isPlainFileName(const std::string &name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

int tgc::openRegularFileAt(int dirFd, const std::string &name,
                           std::string &error, bool *absent) {
  if (absent)
    *absent = false;
  int fd = ::openat(dirFd, name.c_str(),
                    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (absent && err == ENOENT)
      *absent = true;
    error = err == ELOOP ? "it is a symbolic link" : errnoText(err);
    return -1;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    error = "it is not a regular file";
    ::close(fd);
    return -1;
  }
  // Reads of a regular file never block; clear the flag for clarity.
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0)
    ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

Status tgc::readFileAt(int dirFd, const std::string &name, uint64_t maxBytes,
                       std::vector<uint8_t> &out) {
  std::string error;
  bool absent = false;
  int fd = openRegularFileAt(dirFd, name, error, &absent);
  if (fd < 0)
    return absent ? Status::notFound("'" + name + "' does not exist")
                  : Status::ioError("cannot read '" + name + "': " + error);
  struct stat st;
  if (::fstat(fd, &st) != 0 || uint64_t(st.st_size) > maxBytes) {
    ::close(fd);
    return Status::ioError("'" + name + "' is larger than " +
                           std::to_string(maxBytes) + " bytes");
  }
  out.assign(size_t(st.st_size), 0);
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      int err = n < 0 ? errno : EIO;
      ::close(fd);
      return ioError("cannot read '" + name + "'", err);
    }
    done += size_t(n);
  }
  ::close(fd);
  return Status::ok();
}

Status tgc::writeFileAt(int dirFd, const std::string &name, const void *bytes,
                        size_t size, mode_t mode, bool replace, bool *created) {
  if (created)
    *created = false;
  std::string temp;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    temp = temporaryName(name);
    fd = ::openat(dirFd, temp.c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0 && errno != EEXIST)
      return ioError("cannot create a file in the directory", errno);
  }
  if (fd < 0)
    return Status::ioError("cannot create a temporary file for '" + name + "'");
  int err = 0;
  bool ok = writeAll(fd, static_cast<const uint8_t *>(bytes), size, err);
  if (ok && ::fsync(fd) != 0) {
    err = errno;
    ok = false;
  }
  if (::close(fd) != 0 && ok) {
    err = errno;
    ok = false;
  }
  if (ok) {
    if (replace) {
      if (::renameat(dirFd, temp.c_str(), dirFd, name.c_str()) != 0) {
        err = errno;
        ok = false;
      }
    } else if (::linkat(dirFd, temp.c_str(), dirFd, name.c_str(), 0) != 0) {
      // Someone else made it first: theirs stays.
      err = errno;
      ok = err == EEXIST;
      ::unlinkat(dirFd, temp.c_str(), 0);
      if (ok)
        return Status::ok();
    } else {
      ::unlinkat(dirFd, temp.c_str(), 0);
    }
  }
  if (!ok) {
    ::unlinkat(dirFd, temp.c_str(), 0);
    return ioError("cannot write '" + name + "'", err);
  }
  if (created)
    *created = true;
  ::fsync(dirFd);
  return Status::ok();
}

Status tgc::writeFileAtomically(const std::string &path, const void *bytes,
                                size_t size, mode_t mode) {
  const auto *data = static_cast<const uint8_t *>(bytes);
  struct stat st;
  int err = 0;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode))
      return Status::ioError("cannot write '" + path + "': it is a directory");
    // A device or FIFO: renaming a file over it would replace the device
    // node, not write to it.
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
      return ioError("cannot open '" + path + "'", errno);
    bool ok = writeAll(fd, data, size, err);
    if (::close(fd) != 0 && ok) {
      err = errno;
      ok = false;
    }
    return ok ? Status::ok() : ioError("cannot write '" + path + "'", err);
  }
  // The umask applies to `mode`, as for any file a program creates.
  std::string temp;
  int fd = -1;
  size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    temp = dir + temporaryName(name);
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    // Named after `path`: the temporary file is an implementation detail.
    if (fd < 0 && errno != EEXIST)
      return ioError("cannot create '" + path + "'", errno);
  }
  if (fd < 0)
    return Status::ioError("cannot create '" + path + "'");
  bool ok = writeAll(fd, data, size, err);
  if (ok && ::fsync(fd) != 0) {
    err = errno;
    ok = false;
  }
  if (::close(fd) != 0 && ok) {
    err = errno;
    ok = false;
  }
  if (ok && ::rename(temp.c_str(), path.c_str()) != 0) {
    err = errno;
    ok = false;
  }
  if (!ok) {
    ::unlink(temp.c_str());
    return ioError("cannot write '" + path + "'", err);
  }
  return Status::ok();
}

std::string tgc::userDirectory(const char *overrideVariable,
                               const char *xdgVariable,
                               const char *homeRelative) {
  auto env = [](const char *name) -> std::string {
    const char *value = std::getenv(name);
    return value ? value : "";
  };
  std::string dir = env(overrideVariable);
  if (!dir.empty())
    return dir;
  std::string xdg = env(xdgVariable);
  if (!xdg.empty() && xdg[0] == '/')
    return xdg + "/tgc";
  std::string home = env("HOME");
  if (home.empty())
    if (const struct passwd *pw = ::getpwuid(::getuid()))
      home = pw->pw_dir ? pw->pw_dir : "";
  return home.empty() ? "" : home + "/" + homeRelative + "/tgc";
}
