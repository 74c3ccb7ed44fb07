package app

import (
	"github.com/pixee/pixee-tui/account"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/ui"
)

// savedViews are the config's views: as the home screen offers them, each
// account named by its index among the switcher's choices (the config
// checked that every one names a profile).
func savedViews(file *config.File, choices []account.Choice) []ui.View {
	if file == nil {
		return nil
	}
	at := map[string]int{}
	for i, c := range choices {
		at[c.ID] = i
	}
	var out []ui.View
	for _, v := range file.Views {
		uv := ui.View{Name: v.Name, Filter: v.Filter, Sort: v.Sort}
		for _, id := range v.Accounts {
			if i, ok := at[id]; ok {
				uv.Accounts = append(uv.Accounts, i)
			}
		}
		out = append(out, uv)
	}
	return out
}
