package metrics

import (
	"io"
	"strconv"
	"strings"
)

// The per-connector families are written here rather than through the
// client library's registry: at 10 000 connectors they are 60 000 series,
// and the registry's gathering (a protobuf value per series, every family
// sorted by its labels) takes over ten times the 50 ms a scrape is allowed
// (BenchmarkExposition10000). kube-state-metrics writes its own for the
// same reason. The text is the exposition format 0.0.4, each family once
// with every account's series; the tests parse it with the client
// library's parser and promtool checks it.

// family is a per-connector family: its name, type and help.
type family struct{ name, help string }

var (
	famStatus = family{"pixee_connector_status",
		"The connector's status as a state set: 1 for its status, 0 for the others (any status but active, paused and error is other)."}
	famPending = family{"pixee_connector_products_pending",
		"Products waiting to be synced, as the connector's last detail answer said (known for the connectors whose detail the monitor read)."}
	famSynced = family{"pixee_connector_products_synced",
		"Products synced, as the connector's last detail answer said."}
	famLastSync = family{"pixee_connector_last_sync_timestamp_seconds",
		"When the connector last synced (Unix time); absent for a connector that never synced."}
	famLate = family{"pixee_connector_late",
		"1 when the connector's last sync is past its usual interval (late or overdue), else 0."}
)

// chunk is text on its way to w, written out every chunkSize bytes: a
// scrape of 60 000 series is never held whole.
type chunk struct {
	w   io.Writer
	b   []byte
	err error
}

const chunkSize = 64 << 10

func (c *chunk) spill() {
	if len(c.b) < chunkSize {
		return
	}
	c.flush()
}

func (c *chunk) flush() {
	if c.err == nil && len(c.b) > 0 {
		_, c.err = c.w.Write(c.b)
	}
	c.b = c.b[:0]
}

// writeConnectors writes the per-connector families of accounts to w.
func writeConnectors(w io.Writer, accounts []taken) error {
	n := 0
	for _, a := range accounts {
		n += len(a.Connectors)
	}
	if n == 0 {
		return nil
	}
	// Each connector's labels, escaped once for its five families.
	labels := make([][]byte, 0, n)
	for _, a := range accounts {
		for i := range a.Connectors {
			labels = append(labels, connectorLabels(a.account, &a.Connectors[i]))
		}
	}
	c := &chunk{w: w, b: make([]byte, 0, chunkSize+4096)}
	each := func(f func(l []byte, k *Connector)) {
		j := 0
		for _, a := range accounts {
			for i := range a.Connectors {
				f(labels[j], &a.Connectors[i])
				j++
				c.spill()
			}
		}
	}
	c.b = header(c.b, famStatus)
	each(func(l []byte, k *Connector) {
		for _, s := range Statuses {
			c.b = append(c.b, famStatus.name...)
			c.b = append(c.b, '{')
			c.b = append(c.b, l...)
			c.b = append(c.b, `,status="`...)
			c.b = append(c.b, s...)
			if s == k.Status {
				c.b = append(c.b, "\"} 1\n"...)
			} else {
				c.b = append(c.b, "\"} 0\n"...)
			}
		}
	})
	c.b = header(c.b, famPending)
	each(func(l []byte, k *Connector) {
		if k.Counts {
			c.b = sample(c.b, famPending.name, l, float64(k.Pending))
		}
	})
	c.b = header(c.b, famSynced)
	each(func(l []byte, k *Connector) {
		if k.Counts {
			c.b = sample(c.b, famSynced.name, l, float64(k.Synced))
		}
	})
	c.b = header(c.b, famLastSync)
	each(func(l []byte, k *Connector) {
		if !k.LastSync.IsZero() {
			c.b = sample(c.b, famLastSync.name, l, float64(k.LastSync.UnixNano())/1e9)
		}
	})
	c.b = header(c.b, famLate)
	each(func(l []byte, k *Connector) {
		v := 0.0
		if k.Late {
			v = 1
		}
		c.b = sample(c.b, famLate.name, l, v)
	})
	c.flush()
	return c.err
}

func header(b []byte, f family) []byte {
	b = append(b, "# HELP "...)
	b = append(b, f.name...)
	b = append(b, ' ')
	b = append(b, f.help...) // ours: no backslash, no new line
	b = append(b, "\n# TYPE "...)
	b = append(b, f.name...)
	return append(b, " gauge\n"...)
}

func sample(b []byte, name string, labels []byte, v float64) []byte {
	b = append(b, name...)
	b = append(b, '{')
	b = append(b, labels...)
	b = append(b, "} "...)
	b = strconv.AppendFloat(b, v, 'g', -1, 64)
	return append(b, '\n')
}

func connectorLabels(account string, k *Connector) []byte {
	b := make([]byte, 0, 64+len(account)+len(k.ID)+len(k.Name)+len(k.Platform))
	b = labelPair(b, "account", account)
	b = append(b, ',')
	b = labelPair(b, "connector_id", k.ID)
	b = append(b, ',')
	b = labelPair(b, "name", k.Name)
	b = append(b, ',')
	return labelPair(b, "platform", k.Platform)
}

// labelValue escapes a label value as the text format wants: backslash,
// double quote and new line.
var labelValue = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func labelPair(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, `="`...)
	if strings.ContainsAny(value, "\\\"\n") {
		value = labelValue.Replace(value)
	}
	b = append(b, value...)
	return append(b, '"')
}
