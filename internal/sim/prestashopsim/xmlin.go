package prestashopsim

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// xnode is a parsed XML element.
type xnode struct {
	name     string
	attrs    map[string]string
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

// parseXML parses a body into a tree; anything but well-formed XML fails.
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
			n := &xnode{name: t.Name.Local, attrs: map[string]string{}}
			for _, a := range t.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
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
		return nil, errors.New("no root element")
	}
	return root, nil
}

// inputObject is a write body's object: scalar fields, multilingual fields
// and association rows, each only as present in the body.
type inputObject struct {
	id     string
	hasID  bool
	fields map[string]string
	lang   map[string]map[int]string
	assoc  map[string][]map[string]string
}

// parseInput reads <prestashop><elem>…</elem></prestashop> for def.
func parseInput(def *resourceDef, body []byte) (*inputObject, *wsError) {
	root, err := parseXML(body)
	if err != nil || root.name != "prestashop" {
		return nil, errf(400, 127, "XML error: the body is not valid XML for the webservice")
	}
	el := root.child(def.elem)
	if el == nil {
		return nil, errf(400, 127, "XML error: missing element <"+def.elem+">")
	}
	in := &inputObject{fields: map[string]string{}, lang: map[string]map[int]string{}, assoc: map[string][]map[string]string{}}
	for _, c := range el.children {
		if c.name == "id" {
			in.id, in.hasID = strings.TrimSpace(c.text), strings.TrimSpace(c.text) != ""
			continue
		}
		if c.name == "associations" {
			for _, a := range c.children {
				ad, ok := def.assoc(a.name)
				if !ok {
					continue
				}
				rows := []map[string]string{}
				for _, item := range a.children {
					if item.name != ad.elem {
						continue
					}
					row := map[string]string{}
					for _, f := range item.children {
						row[f.name] = strings.TrimSpace(f.text)
					}
					rows = append(rows, row)
				}
				in.assoc[a.name] = rows
			}
			continue
		}
		fd, ok := def.field(c.name)
		if !ok {
			return nil, errf(400, 40, `Field "`+c.name+`" does not exist in `+def.name)
		}
		if fd.readOnly {
			return nil, errf(400, 93, `parameter "`+c.name+`" not writable. Please remove this attribute of this XML`)
		}
		if fd.i18n {
			m := map[int]string{}
			for _, l := range c.children {
				if l.name == "language" {
					m[atoi(l.attrs["id"])] = l.text
				}
			}
			in.lang[c.name] = m
			continue
		}
		in.fields[c.name] = c.text
	}
	return in, nil
}
