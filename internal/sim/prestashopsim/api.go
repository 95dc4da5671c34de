package prestashopsim

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// wsError is a webservice error: HTTP status, PrestaShop error code, message.
type wsError struct {
	status int
	code   int
	msg    string
}

func errf(status, code int, msg string) *wsError { return &wsError{status, code, msg} }

// apiRequest is a parsed webservice request.
type apiRequest struct {
	method   string
	resource string
	id       int
	hasID    bool
	json     bool
	q        url.Values
	body     []byte
	lang     int // language=N, 0 when absent
	shop     int // id_shop=N, 0 when absent
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req := &apiRequest{method: r.Method, q: q}
	if m := strings.ToUpper(q.Get("ps_method")); m != "" && r.Method == http.MethodPost {
		req.method = m
	}
	of := q.Get("output_format")
	if of == "" {
		of = q.Get("io_format")
	}
	if of == "" {
		of = r.Header.Get("Output-Format")
	}
	if of == "" {
		of = r.Header.Get("Io-Format")
	}
	req.json = strings.EqualFold(of, "JSON")

	write := req.method == http.MethodPost || req.method == http.MethodPut || req.method == http.MethodPatch || req.method == http.MethodDelete
	f := s.currentFaults()
	if f.LatencyMS > 0 {
		select {
		case <-time.After(time.Duration(f.LatencyMS) * time.Millisecond):
		case <-r.Context().Done():
			return
		}
	}
	fault := s.roll(f, write)
	switch fault {
	case faultError:
		s.writeError(w, req, errf(http.StatusServiceUnavailable, 0, "Simulated server error"))
		return
	case faultTimeout:
		select {
		case <-time.After(s.opts.HangTimeout):
		case <-r.Context().Done():
		}
		s.writeError(w, req, errf(http.StatusGatewayTimeout, 0, "Simulated timeout"))
		return
	}

	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/api"), "/"), "/")
	if len(parts) > 0 {
		req.resource = parts[0]
	}
	if len(parts) > 1 {
		id, err := strconv.Atoi(parts[1])
		if err != nil || id <= 0 {
			s.writeError(w, req, errf(http.StatusBadRequest, 88, "Id is invalid: "+parts[1]))
			return
		}
		req.id, req.hasID = id, true
	}
	if len(parts) > 2 {
		s.writeError(w, req, errf(http.StatusBadRequest, 33, "Unsupported URL"))
		return
	}
	if lv := q.Get("language"); lv != "" {
		l, err := strconv.Atoi(lv)
		if err != nil || (l != 1 && l != 2) {
			s.writeError(w, req, errf(http.StatusBadRequest, 13, "Language "+lv+" is not valid"))
			return
		}
		req.lang = l
	}
	req.shop, _ = strconv.Atoi(q.Get("id_shop"))

	key, inURL, ok := wsKey(r)
	s.count("ws_key_in_url", inURL)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Basic realm="Welcome to PrestaShop Webservice, please enter the authentication key as the login. No password required."`)
		s.writeError(w, req, errf(http.StatusUnauthorized, 17, "Authentication key is empty"))
		return
	}
	perm, ok := s.keyPerms(key)
	if !ok {
		s.writeError(w, req, errf(http.StatusUnauthorized, 18, "Invalid authentication key"))
		return
	}
	if req.resource == "" {
		s.writeRaw(w, req, http.StatusOK, []byte(`{}`), []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<prestashop xmlns:xlink="http://www.w3.org/1999/xlink"><api shopName="bokfor sim"/></prestashop>`))
		return
	}
	if s.resourceDef(req.resource) == nil {
		s.writeError(w, req, errf(http.StatusBadRequest, 19, `Resource of type "`+req.resource+`" does not exists`))
		return
	}
	if !allowed(perm, req.resource, req.method) {
		s.writeError(w, req, errf(http.StatusUnauthorized, 21, `Resource of type "`+req.resource+`" is not allowed with this authentication key`))
		return
	}
	if req.method == http.MethodPatch && s.opts.Version == "1.7" {
		s.writeError(w, req, errf(http.StatusMethodNotAllowed, 100, "Method PATCH is not allowed"))
		return
	}
	if req.shop != 0 && !s.knownShop(req.shop) {
		s.writeError(w, req, errf(http.StatusBadRequest, 40, "Shop id "+itoa(req.shop)+" is not valid"))
		return
	}
	s.countRequest(req.method + " " + req.resource)

	if write {
		b, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
		if err != nil {
			s.writeError(w, req, errf(http.StatusBadRequest, 127, "XML error: cannot read body"))
			return
		}
		req.body = b
		if r.Header.Get("Content-Type") == "application/x-www-form-urlencoded" {
			if err := r.ParseForm(); err == nil && r.PostForm.Get("xml") != "" {
				req.body = []byte(r.PostForm.Get("xml"))
			}
		}
	}
	rec := httptest.NewRecorder()
	s.dispatch(rec, req)
	if fault == faultDrop && rec.Code < 300 {
		s.count("fault_drops", true)
		panic(http.ErrAbortHandler) // committed, but the response is lost
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// wsKey extracts the key from Basic auth (user, empty password) or ws_key.
func wsKey(r *http.Request) (key string, inURL, ok bool) {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Basic ") {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(h, "Basic "))
		if err == nil {
			user, _, _ := strings.Cut(string(raw), ":")
			if user != "" {
				return user, false, true
			}
		}
	}
	if k := r.URL.Query().Get("ws_key"); k != "" {
		return k, true, true
	}
	return "", false, false
}

func (s *Server) keyPerms(key string) (map[string][]string, bool) {
	for _, k := range s.opts.Keys {
		if k.Key == key {
			return k.Permissions, true
		}
	}
	return nil, false
}

func allowed(perm map[string][]string, resource, method string) bool {
	if perm == nil {
		return true
	}
	for _, m := range perm[resource] {
		if strings.EqualFold(m, method) {
			return true
		}
	}
	return false
}

func (s *Server) knownShop(id int) bool {
	for _, sh := range s.opts.Shops {
		if sh == id {
			return true
		}
	}
	return false
}

// dispatch runs one authorised request under the lock and then delivers
// the webhooks it caused, synchronously, as the ps_webhooks module does
// inside the shop's own request.
func (s *Server) dispatch(w http.ResponseWriter, req *apiRequest) {
	if req.method == http.MethodGet || req.method == http.MethodHead {
		s.mu.lockRead()
	} else {
		s.mu.Lock()
	}
	var events []webhookEvent
	var status int
	var rec *record
	var list []*record
	var werr *wsError
	switch req.method {
	case http.MethodGet, http.MethodHead:
		if req.hasID {
			rec = s.db.get(req.resource, req.id)
			if rec == nil || !s.inShop(rec, req.shop) {
				werr = errf(http.StatusNotFound, 87, "Id(s) not exists: "+itoa(req.id))
			}
		} else if req.q.Get("schema") != "" {
			status = -1
		} else {
			list, werr = s.query(req)
		}
	case http.MethodPost:
		if req.hasID {
			werr = errf(http.StatusMethodNotAllowed, 100, "Method POST is not allowed on a single resource")
			break
		}
		rec, events, werr = s.create(req)
		status = http.StatusCreated
	case http.MethodPut, http.MethodPatch:
		rec, events, werr = s.update(req, req.method == http.MethodPatch)
		status = http.StatusOK
	case http.MethodDelete:
		events, werr = s.remove(req)
		status = http.StatusOK
	default:
		werr = errf(http.StatusMethodNotAllowed, 100, "Method "+req.method+" is not allowed")
	}
	var jsonOut, xmlOut []byte
	if werr == nil {
		def := s.db.tables[req.resource].def
		switch {
		case status == -1:
			xmlOut = renderBlankXML(def)
			jsonOut = xmlOut
			status = http.StatusOK
		case rec != nil:
			rec = rec.clone()
			jsonOut, xmlOut = s.renderOne(def, rec, req)
		case req.method == http.MethodDelete:
			jsonOut, xmlOut = []byte(""), []byte("")
		default:
			jsonOut, xmlOut = s.renderList(def, list, req)
		}
		if status == 0 {
			status = http.StatusOK
		}
	}
	s.mu.Unlock()
	if werr != nil {
		s.writeError(w, req, werr)
		return
	}
	s.deliver(events)
	if req.method == http.MethodHead {
		jsonOut, xmlOut = nil, nil
	}
	s.writeRaw(w, req, status, jsonOut, xmlOut)
}

// inShop reports whether rec is visible with id_shop=shop.
func (s *Server) inShop(rec *record, shop int) bool {
	if shop == 0 {
		return true
	}
	v, ok := rec.fields["id_shop"]
	return !ok || v == "" || v == "0" || v == itoa(shop)
}

func (s *Server) writeRaw(w http.ResponseWriter, req *apiRequest, status int, jsonOut, xmlOut []byte) {
	w.Header().Set("PSWS-Version", s.psVersion())
	w.Header().Set("X-Powered-By", "PrestaShop Webservice")
	if req.json {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write(jsonOut)
		return
	}
	w.Header().Set("Content-Type", "text/xml;charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(xmlOut)
}

func (s *Server) psVersion() string {
	if s.opts.Version == "1.7" {
		return "1.7.8.11"
	}
	return "8.1.7"
}

func (s *Server) writeError(w http.ResponseWriter, req *apiRequest, e *wsError) {
	s.countRequest("error " + itoa(e.status))
	s.writeRaw(w, req, e.status, renderErrorJSON(e), renderErrorXML(e))
}
