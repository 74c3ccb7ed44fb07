package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// ListConnectorsRaw is ListConnectors that also returns each item as the
// server sent it, every field kept (commands that print JSON use it). It
// costs a second scan of each item, so the dashboard does not use it.
func (c *Client) ListConnectorsRaw(ctx context.Context, page, perPage int) (*ConnectorPage, []json.RawMessage, *Response, error) {
	p, out, resp, err := c.listConnectors(ctx, page, perPage, func() pageDecoder { return &rawPageWire{} })
	if err != nil {
		return nil, nil, resp, err
	}
	return p, out.(*rawPageWire).raw, resp, nil
}

// rawPageWire is pageWire with the items kept raw.
type rawPageWire struct {
	Items *[]json.RawMessage `json:"items"`
	Meta  *metaWire          `json:"meta"`
	metaWire
	raw []json.RawMessage
}

func (w *rawPageWire) page(page, perPage int) (*ConnectorPage, error) {
	pw := pageWire{Meta: w.Meta, metaWire: w.metaWire}
	if w.Items != nil {
		w.raw = *w.Items
		items := make([]connectorWire, len(w.raw))
		for i, r := range w.raw {
			if err := decodeJSON(r, &items[i]); err != nil {
				return nil, fmt.Errorf("item %d: %w", i+1, err)
			}
		}
		pw.Items = &items
	}
	if w.raw == nil {
		w.raw = []json.RawMessage{}
	}
	return pw.page(page, perPage)
}

// GetConnectorRaw is GetConnector that also returns the answer as the
// server sent it.
func (c *Client) GetConnectorRaw(ctx context.Context, id string) (*ConnectorDetail, json.RawMessage, *Response, error) {
	if id == "" {
		return nil, nil, nil, errors.New("api: empty connector id")
	}
	var raw json.RawMessage
	resp, err := c.get(ctx, "/connectors/"+escapeID(id), nil, &raw)
	if err != nil {
		return nil, nil, resp, err
	}
	var d ConnectorDetail
	if err := decodeJSON(raw, &d); err != nil {
		return nil, nil, resp, &UnexpectedResponseError{StatusCode: resp.StatusCode, ContentType: resp.contentType, Reason: err.Error()}
	}
	if err := d.answers(id); err != nil {
		return nil, nil, resp, err
	}
	return &d, raw, resp, nil
}
