package config

import (
	"slices"
	"strings"
	"testing"
)

const viewsProfiles = "profiles:\n  acme: {api_key_env: A}\n  globex: {api_key_env: G}\n"

// A saved view is read with its name, filter, sort and accounts.
func TestASavedViewIsRead(t *testing.T) {
	f, err := Parse("config.yaml", []byte(viewsProfiles+
		"views:\n  - name: shopify errors\n    filter: shopify error\n    sort: last_sync\n    accounts: [globex]\n  - name: all late\n    filter: late\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Views) != 2 {
		t.Fatalf("views %+v, want 2", f.Views)
	}
	v := f.Views[0]
	if v.Name != "shopify errors" || v.Filter != "shopify error" || v.Sort != "last_sync" || !slices.Equal(v.Accounts, []string{"globex"}) {
		t.Errorf("view %+v", v)
	}
	if len(f.Views[1].Accounts) != 0 || f.Views[1].Sort != "" {
		t.Errorf("second view %+v, want every account and the server's order", f.Views[1])
	}
}

// A bad view is said with its file, line and column, and what is wrong.
func TestABadViewIsSaidWhereItIs(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"unknown sort", "views:\n  - name: x\n    sort: colour\n", `config.yaml:6:11: views[0].sort: "colour" is not one of name, status, last_sync, platform`},
		{"unknown account", "views:\n  - name: x\n    accounts: [acme, initech]\n", `config.yaml:6:15: views[0].accounts: no profile "initech"`},
		{"unknown accounts, a block list", "views:\n  - name: x\n    accounts:\n      - umbrella\n      - acme\n      - initech\n",
			`config.yaml:7:7: views[0].accounts: no profiles "umbrella", "initech" in the config file (profiles: acme, globex)`},
		{"an account twice", "views:\n  - name: x\n    accounts: [globex, acme, globex]\n", `config.yaml:6:30: views[0].accounts: "globex" is named twice`},
		{"no name", "views:\n  - filter: late\n", `config.yaml:5:5: views[0]: a view needs a name`},
		{"twice", "views:\n  - name: x\n  - name: x\n", `config.yaml:6:5: views[1]: a view named "x" is set twice`},
		{"unknown key", "views:\n  - name: x\n    colour: red\n", `config.yaml:6:5: views[0].colour: unknown key`},
		{"not a list", "views:\n  x: {filter: late}\n", `config.yaml:5:3: views: want a list of views`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("config.yaml", []byte(viewsProfiles+tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant it to contain %s", err, tt.want)
			}
		})
	}
}
