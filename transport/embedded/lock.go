package embedded

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// LockFile is the file, inside the store directory, that the running server holds locked.
const LockFile = "stepjet.lock"

// ErrDirInUse is returned by Start when another process (or another Server in this one) holds
// the store directory: two servers on one JetStream store overwrite each other's files.
var ErrDirInUse = errors.New("embedded nats: data directory in use")

// dirLock is an exclusive flock(2) on <dir>/stepjet.lock. The kernel releases it when the
// holder exits, however it exits, so a lock left by a dead process is taken over at the next
// start; the file's content (the holder's PID) only serves the error message.
type dirLock struct{ f *os.File }

func lockDir(dir string) (*dirLock, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("embedded nats: cannot create the data directory: %w", err)
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("embedded nats: cannot open the lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			abs, _ := filepath.Abs(dir)
			holder := "another process"
			if b, rerr := os.ReadFile(path); rerr == nil {
				if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil && pid > 0 {
					holder = "process " + strconv.Itoa(pid)
				}
			}
			return nil, fmt.Errorf("%w: %s is locked by %s (another stepjet serve?); stop it, or give this one its own --data-dir",
				ErrDirInUse, abs, holder)
		}
		return nil, fmt.Errorf("embedded nats: cannot lock %s: %w", path, err)
	}
	// Ours now: record who holds it for the next one to name.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &dirLock{f: f}, nil
}

// release unlocks the directory. The file stays: removing it would let a third process lock
// a fresh file while a second still waits on the old one.
func (l *dirLock) release() {
	if l == nil || l.f == nil {
		return
	}
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	_ = l.f.Close()
	l.f = nil
}
