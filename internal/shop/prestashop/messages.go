package prestashop

import (
	"context"
	"net/http"
	"net/url"
)

// Message is an order message (PrestaShop messages resource). Private
// messages are seen only in the back office.
type Message struct {
	ID         int
	OrderID    int
	CustomerID int
	Text       string
	Private    bool
}

// OrderMessages lists the messages of an order.
func (c *Client) OrderMessages(ctx context.Context, orderID int) ([]Message, error) {
	q := url.Values{}
	q.Set("filter[id_order]", "["+itoa(orderID)+"]")
	objs, err := c.list(ctx, "messages", q)
	if err != nil {
		return nil, err
	}
	out := make([]Message, 0, len(objs))
	for _, o := range objs {
		r := &reader{}
		m := Message{ID: r.int(o, "id"), OrderID: r.int(o, "id_order"), CustomerID: r.int(o, "id_customer"),
			Text: o.str("message"), Private: r.bool(o, "private")}
		if r.err != nil {
			return nil, decodeErr("GET /api/messages", r.err)
		}
		out = append(out, m)
	}
	return out, nil
}

// AddOrderMessage writes a message on an order; private=false shows it to
// the customer in their order history. It returns the message id.
func (c *Client) AddOrderMessage(ctx context.Context, orderID, customerID int, text string, private bool) (int, error) {
	priv := "0"
	if private {
		priv = "1"
	}
	body := buildXML("message", []field{
		{name: "id_order", value: itoa(orderID)},
		{name: "id_customer", value: itoa(customerID)},
		{name: "message", value: text},
		{name: "private", value: priv},
	})
	out, err := c.do(ctx, call{method: http.MethodPost, resource: "messages", body: body, json: true})
	if err != nil {
		return 0, err
	}
	o, err := decodeOne(out, "message")
	if err != nil {
		return 0, decodeErr("POST /api/messages", err)
	}
	r := &reader{}
	id := r.int(o, "id")
	return id, r.err
}
