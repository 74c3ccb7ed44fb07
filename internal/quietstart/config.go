package quietstart

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/adrg/xdg" // stdlib alone on unix: it does not hold this init back
)

// maxConfig is as much of the config file as is read here (the config
// package's own bound): a line beyond it is not looked at.
const maxConfig = 1 << 20

// ConfigAsks says the config file the program will read asks for the line
// mode: a top-level "accessible: true", in the file --config names (before
// any "--") or at the default path (the config package's: XDG config home,
// pixee-tui/config.yaml). It reads only a regular file (a FIFO given as
// --config <(…) would be emptied for the real read) and never fails: an
// answer it cannot give is false, and then the one query remains. It reads
// lines, not YAML: a file the parser reads otherwise (a key's line inside
// a multi-line quoted string, say) may be taken wrongly; a wrong true costs
// the dashboard its guess of the background (dark is assumed), and a file
// the parser refuses stops the start anyway.
func ConfigAsks(args []string) bool {
	path := configPath(args)
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return asksIn(io.LimitReader(f, maxConfig))
}

// configPath is the config file args name, or the default one.
func configPath(args []string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		if a == "--config" && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, "--config="); ok {
			return v
		}
	}
	return filepath.Join(xdg.ConfigHome, "pixee-tui", "config.yaml")
}

// asksIn says a YAML config holds "accessible: true" as a key of its
// top-level mapping (a line starting in column 0, in its first document;
// the key may be quoted, the value quoted or followed by a comment), as
// the config parser reads it: only "true" is true.
func asksIn(r io.Reader) bool {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxConfig)
	ans, first, content := false, true, false
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if first {
			line, first = strings.TrimPrefix(line, "\ufeff"), false
		}
		switch {
		case line == "---" || strings.HasPrefix(line, "--- "):
			if content {
				return ans // only the first document is read
			}
			continue
		case line == "...":
			return ans
		case strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#"):
			continue
		}
		content = true
		if line[0] == ' ' || line[0] == '\t' {
			continue // not a key of the top-level mapping
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok || unquote(strings.TrimSpace(key)) != "accessible" || (value != "" && value[0] != ' ' && value[0] != '\t') {
			continue
		}
		for i := 1; i < len(value); i++ {
			if value[i] == '#' && (value[i-1] == ' ' || value[i-1] == '\t') {
				value = value[:i]
				break
			}
		}
		ans = unquote(strings.TrimSpace(value)) == "true"
	}
	return ans
}

// unquote is s without the one pair of single or double quotes around it.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}
