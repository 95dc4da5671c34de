package prestashopsim

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
)

// display is the parsed display parameter: full, a field list, or ids only.
type display struct {
	full   bool
	fields map[string]bool
}

func parseDisplay(v string) (display, *wsError) {
	switch {
	case v == "":
		return display{}, nil
	case v == "full":
		return display{full: true}, nil
	case strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]"):
		d := display{fields: map[string]bool{}}
		for _, f := range strings.Split(v[1:len(v)-1], ",") {
			if f = strings.TrimSpace(f); f != "" {
				d.fields[f] = true
			}
		}
		return d, nil
	}
	return display{}, errf(400, 35, "The display syntax is wrong. You can set 'full' or '[field_1,field_2,field_3,...]'.")
}

func (d display) want(field string) bool { return d.full || d.fields[field] }

func jsonString(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return bytes.TrimRight(b.Bytes(), "\n")
}

// jsonObject renders one record as the webservice does.
func (s *Server) jsonObject(def *resourceDef, r *record, d display, lang int) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	sep := func() {
		if !first {
			b.WriteByte(',')
		}
		first = false
	}
	if d.want("id") {
		sep()
		b.WriteString(`"id":` + itoa(r.id))
	}
	for _, f := range def.fields {
		if !d.want(f.name) {
			continue
		}
		sep()
		b.Write(jsonString(f.name))
		b.WriteByte(':')
		if f.i18n {
			b.Write(jsonI18n(r.lang[f.name], lang))
			continue
		}
		b.Write(jsonString(r.fields[f.name]))
	}
	if d.full || d.fields["associations"] {
		var ab bytes.Buffer
		n := 0
		for _, a := range def.assocs {
			rows := r.assoc[a.name]
			if len(rows) == 0 {
				continue
			}
			if n > 0 {
				ab.WriteByte(',')
			}
			n++
			ab.Write(jsonString(a.name))
			ab.WriteByte(':')
			single := len(rows) == 1 && s.opts.SingleAssocAsObject
			if !single {
				ab.WriteByte('[')
			}
			for i, row := range rows {
				if i > 0 {
					ab.WriteByte(',')
				}
				ab.WriteByte('{')
				for j, fn := range a.fields {
					if j > 0 {
						ab.WriteByte(',')
					}
					ab.Write(jsonString(fn))
					ab.WriteByte(':')
					ab.Write(jsonString(row[fn]))
				}
				ab.WriteByte('}')
			}
			if !single {
				ab.WriteByte(']')
			}
		}
		if n > 0 {
			sep()
			b.WriteString(`"associations":{`)
			b.Write(ab.Bytes())
			b.WriteByte('}')
		}
	}
	b.WriteByte('}')
	return b.Bytes()
}

// jsonI18n renders a multilingual value: a plain string for one requested
// language, else [{"id":"1","value":"…"},…].
func jsonI18n(m map[int]string, lang int) []byte {
	if lang != 0 {
		return jsonString(m[lang])
	}
	ids := make([]int, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	var b bytes.Buffer
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":` + string(jsonString(itoa(id))) + `,"value":` + string(jsonString(m[id])) + `}`)
	}
	b.WriteByte(']')
	return b.Bytes()
}

func cdata(s string) string {
	return "<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>"
}

const xmlHead = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<prestashop xmlns:xlink="http://www.w3.org/1999/xlink">` + "\n"
const xmlFoot = "</prestashop>\n"

// xmlObject renders one record as <elem>…</elem>.
func (s *Server) xmlObject(def *resourceDef, r *record, d display, lang int) string {
	var b strings.Builder
	b.WriteString("<" + def.elem + ">\n")
	if d.want("id") {
		b.WriteString("\t<id>" + cdata(itoa(r.id)) + "</id>\n")
	}
	for _, f := range def.fields {
		if !d.want(f.name) {
			continue
		}
		if f.i18n {
			b.WriteString("\t<" + f.name + ">")
			m := r.lang[f.name]
			ids := make([]int, 0, len(m))
			for id := range m {
				if lang == 0 || id == lang {
					ids = append(ids, id)
				}
			}
			sort.Ints(ids)
			for _, id := range ids {
				b.WriteString(`<language id="` + itoa(id) + `">` + cdata(m[id]) + "</language>")
			}
			b.WriteString("</" + f.name + ">\n")
			continue
		}
		b.WriteString("\t<" + f.name + ">" + cdata(r.fields[f.name]) + "</" + f.name + ">\n")
	}
	if (d.full || d.fields["associations"]) && len(def.assocs) > 0 {
		b.WriteString("\t<associations>\n")
		for _, a := range def.assocs {
			b.WriteString("\t\t<" + a.name + ` nodeType="` + a.elem + `" api="` + a.name + `">` + "\n")
			for _, row := range r.assoc[a.name] {
				b.WriteString("\t\t\t<" + a.elem + ">")
				for _, fn := range a.fields {
					b.WriteString("<" + fn + ">" + cdata(row[fn]) + "</" + fn + ">")
				}
				b.WriteString("</" + a.elem + ">\n")
			}
			b.WriteString("\t\t</" + a.name + ">\n")
		}
		b.WriteString("\t</associations>\n")
	}
	b.WriteString("</" + def.elem + ">\n")
	return b.String()
}

// renderOne renders a single resource in both formats.
func (s *Server) renderOne(def *resourceDef, r *record, req *apiRequest) (jsonOut, xmlOut []byte) {
	d := display{full: true}
	if v := req.q.Get("display"); v != "" && v != "full" {
		d, _ = parseDisplay(v)
	}
	jsonOut = []byte(`{` + string(jsonString(def.elem)) + `:` + string(s.jsonObject(def, r, d, req.lang)) + `}`)
	xmlOut = []byte(xmlHead + s.xmlObject(def, r, d, req.lang) + xmlFoot)
	return jsonOut, xmlOut
}

// renderList renders a list: ids only without display, else the objects.
// An empty list is the bare JSON array [].
func (s *Server) renderList(def *resourceDef, rows []*record, req *apiRequest) (jsonOut, xmlOut []byte) {
	d, _ := parseDisplay(req.q.Get("display"))
	if !d.full && d.fields == nil {
		d = display{fields: map[string]bool{"id": true}}
	}
	var xb strings.Builder
	xb.WriteString(xmlHead + "<" + def.name + ">\n")
	if len(rows) == 0 {
		jsonOut = []byte("[]")
	} else {
		var jb bytes.Buffer
		jb.WriteString(`{` + string(jsonString(def.name)) + `:[`)
		for i, r := range rows {
			if i > 0 {
				jb.WriteByte(',')
			}
			jb.Write(s.jsonObject(def, r, d, req.lang))
		}
		jb.WriteString(`]}`)
		jsonOut = jb.Bytes()
	}
	for _, r := range rows {
		if req.q.Get("display") == "" {
			xb.WriteString("<" + def.elem + ` id="` + itoa(r.id) + `" xlink:href="/api/` + def.name + "/" + itoa(r.id) + `"/>` + "\n")
			continue
		}
		xb.WriteString(s.xmlObject(def, r, d, req.lang))
	}
	xb.WriteString("</" + def.name + ">\n" + xmlFoot)
	return jsonOut, []byte(xb.String())
}

// renderBlankXML renders ?schema=blank: the empty skeleton.
func renderBlankXML(def *resourceDef) []byte {
	var b strings.Builder
	b.WriteString(xmlHead + "<" + def.elem + ">\n\t<id>" + cdata("") + "</id>\n")
	for _, f := range def.fields {
		if f.readOnly {
			continue
		}
		if f.i18n {
			b.WriteString("\t<" + f.name + `><language id="1">` + cdata("") + `</language><language id="2">` + cdata("") + "</language></" + f.name + ">\n")
			continue
		}
		b.WriteString("\t<" + f.name + ">" + cdata("") + "</" + f.name + ">\n")
	}
	b.WriteString("</" + def.elem + ">\n" + xmlFoot)
	return []byte(b.String())
}

func renderErrorJSON(e *wsError) []byte {
	return []byte(`{"errors":[{"code":` + itoa(e.code) + `,"message":` + string(jsonString(e.msg)) + `}]}`)
}

func renderErrorXML(e *wsError) []byte {
	return []byte(xmlHead + "<errors>\n<error>\n<code>" + cdata(itoa(e.code)) + "</code>\n<message>" + cdata(e.msg) + "</message>\n</error>\n</errors>\n" + xmlFoot)
}
