package prestashop

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// xnode is an XML element kept whole, so a GET-modify-PUT sends back every
// field it read.
type xnode struct {
	name     string
	attrs    []xml.Attr
	text     string
	children []*xnode
}

func (n *xnode) child(name string) *xnode {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// parseXML parses a document into a tree.
func parseXML(b []byte) (*xnode, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var stack []*xnode
	var root *xnode
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xnode{name: t.Name.Local}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" || a.Name.Space != "" {
					continue // namespace declarations and xlink:href are dropped
				}
				n.attrs = append(n.attrs, xml.Attr{Name: xml.Name{Local: a.Name.Local}, Value: a.Value})
			}
			if len(stack) > 0 {
				stack[len(stack)-1].children = append(stack[len(stack)-1].children, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	if root == nil {
		return nil, errors.New("empty XML document")
	}
	return root, nil
}

// write serialises the tree; leaf text goes in CDATA.
func (n *xnode) write(b *strings.Builder) {
	b.WriteString("<" + n.name)
	for _, a := range n.attrs {
		b.WriteString(" " + a.Name.Local + `="`)
		_ = xml.EscapeText(stringWriter{b}, []byte(a.Value))
		b.WriteString(`"`)
	}
	b.WriteString(">")
	if len(n.children) == 0 {
		b.WriteString(cdata(n.text))
	}
	for _, c := range n.children {
		c.write(b)
	}
	b.WriteString("</" + n.name + ">")
}

type stringWriter struct{ b *strings.Builder }

// Write appends p to the builder.
func (w stringWriter) Write(p []byte) (int, error) { return w.b.Write(p) }

func cdata(s string) string {
	if s == "" {
		return ""
	}
	return "<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>"
}

// field is one element of a write body: a scalar, or per-language values.
type field struct {
	name  string
	value string
	langs map[int]string
}

// buildXML builds <prestashop><elem>fields…</elem></prestashop>.
func buildXML(elem string, fields []field) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><prestashop xmlns:xlink="http://www.w3.org/1999/xlink"><` + elem + ">")
	for _, f := range fields {
		b.WriteString("<" + f.name + ">")
		if f.langs != nil {
			for _, id := range sortedKeys(f.langs) {
				b.WriteString(`<language id="` + itoa(id) + `">` + cdata(f.langs[id]) + "</language>")
			}
		} else {
			b.WriteString(cdata(f.value))
		}
		b.WriteString("</" + f.name + ">")
	}
	b.WriteString("</" + elem + "></prestashop>")
	return []byte(b.String())
}

// document returns the full XML of a tree rooted at <prestashop>.
func document(root *xnode) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	root.write(&b)
	return []byte(b.String())
}

func xmlAttr(name, value string) xml.Attr { return xml.Attr{Name: xml.Name{Local: name}, Value: value} }
