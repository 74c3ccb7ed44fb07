package config

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testFileKey = "pm_test_KEYFILEsecret0123"

// A key file is read through a small limit: /dev/zero or a huge file is
// refused at once with an error that says what is wrong, not read whole.
func TestKeyFileIsReadThroughALimit(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "backup.tar")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(testFileKey + "\n")
	if err := f.Truncate(200 << 20); err != nil { // sparse: 200 MB without the disk
		t.Fatal(err)
	}
	f.Close()
	os.Chmod(huge, 0o600)
	files := []string{huge}
	if _, err := os.Stat("/dev/zero"); err == nil {
		files = append(files, "/dev/zero")
	}
	for _, file := range files {
		var stderr bytes.Buffer
		key, err := apiKey(file, "", &stderr)
		if err == nil {
			t.Fatalf("%s: accepted as a key of %d bytes", file, len(key))
		}
		want := "--api-key-file: the API key file " + file + " is larger than 4 KiB: is it the right file?"
		if err.Error() != want {
			t.Errorf("%s: error %q, want %q", file, err, want)
		}
		if strings.Contains(err.Error()+stderr.String(), testFileKey) {
			t.Errorf("%s: the key was printed", file)
		}
	}
	// Just under the limit still works.
	ok := filepath.Join(dir, "key")
	os.WriteFile(ok, []byte(testFileKey+strings.Repeat("\n", MaxKeyFile-len(testFileKey))), 0o600)
	if key, err := apiKey(ok, "", new(bytes.Buffer)); err != nil || key != testFileKey {
		t.Errorf("a 4 KiB key file: key ok %v, err %v", key == testFileKey, err)
	}
}

// A key file others can read is used, with a warning naming the file and
// the fix, like ssh's; a private one is used silently. The env variable
// takes the same path.
func TestKeyFileReadableByOthersWarns(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		mode os.FileMode
		warn bool
	}{{0o600, false}, {0o400, false}, {0o640, true}, {0o644, true}, {0o604, true}} {
		file := filepath.Join(dir, "my key "+tt.mode.String())
		if err := os.WriteFile(file, []byte(testFileKey+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(file, tt.mode); err != nil {
			t.Fatal(err)
		}
		for _, viaEnv := range []bool{false, true} {
			var stderr bytes.Buffer
			var key string
			var err error
			if viaEnv {
				key, err = apiKey("", file, &stderr)
			} else {
				key, err = apiKey(file, "", &stderr)
			}
			if err != nil || key != testFileKey {
				t.Fatalf("mode %s: key ok %v, err %v; want the key used", tt.mode, key == testFileKey, err)
			}
			msg := stderr.String()
			if !tt.warn {
				if msg != "" {
					t.Errorf("mode %s: unexpected warning %q", tt.mode, msg)
				}
				continue
			}
			if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "warning") || !strings.Contains(msg, file) ||
				!strings.Contains(msg, "chmod 600 '"+file+"'") {
				t.Errorf("mode %s: warning %q, want one line naming the file and chmod 600", tt.mode, msg)
			}
			if strings.Contains(msg, testFileKey) {
				t.Errorf("mode %s: the warning shows the key", tt.mode)
			}
		}
	}
}

// apiKey resolves and reads the key as a start does, from the flag or
// from PIXEE_API_KEY_FILE, with warnings written as main writes them.
func apiKey(flagFile, envFile string, stderr *bytes.Buffer) (string, error) {
	fl := Flags{}
	if flagFile != "" {
		fl.KeyFile = &flagFile
	}
	s, err := Resolve(nil, "", fl, func(k string) string {
		if k == "PIXEE_API_KEY_FILE" {
			return envFile
		}
		return ""
	})
	if err != nil {
		return "", err
	}
	key, warns, err := s.Key.Read(context.Background(), func(string) string { return "" })
	for _, w := range warns {
		stderr.WriteString(w + "\n")
	}
	return key, err
}
