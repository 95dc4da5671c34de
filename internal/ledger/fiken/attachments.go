package fiken

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
)

// multipartBody builds Fiken's attachment form: filename and file.
func multipartBody(filename string, content []byte) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.WriteField("filename", filename); err != nil {
		return nil, "", fmt.Errorf("fiken: attachment form: %w", err)
	}
	fw, err := w.CreateFormFile("file", filename)
	if err != nil {
		return nil, "", fmt.Errorf("fiken: attachment form: %w", err)
	}
	if _, err := fw.Write(content); err != nil {
		return nil, "", fmt.Errorf("fiken: attachment form: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, "", fmt.Errorf("fiken: attachment form: %w", err)
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// AddInvoiceAttachment attaches a file (.pdf, .png, .jpg, .jpeg, .gif) to
// an invoice.
func (c *Client) AddInvoiceAttachment(ctx context.Context, invoiceID int64, filename string, content []byte) error {
	body, ct, err := multipartBody(filename, content)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, request{method: http.MethodPost, op: "POST /invoices/{id}/attachments",
		path: c.company("/invoices/" + strconv.FormatInt(invoiceID, 10) + "/attachments"),
		raw:  body, contentType: ct}, nil)
	return err
}

// AddSaleAttachment attaches a file to a sale and/or its payment (at
// least one of toSale, toPayment must be true), e.g. the shop's own
// invoice PDF on an invoice voucher.
func (c *Client) AddSaleAttachment(ctx context.Context, saleID int64, filename string, content []byte, toSale, toPayment bool) error {
	body, ct, err := multipartBody(filename, content)
	if err != nil {
		return err
	}
	q := url.Values{"attachToSale": {strconv.FormatBool(toSale)}, "attachToPayment": {strconv.FormatBool(toPayment)}}
	_, err = c.do(ctx, request{method: http.MethodPost, op: "POST /sales/{id}/attachments",
		path: c.salePath(saleID, "/attachments"), query: q, raw: body, contentType: ct}, nil)
	return err
}
