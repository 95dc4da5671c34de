package activities

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"go.temporal.io/sdk/activity"
	"golang.org/x/sync/errgroup"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/shop"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/syncplan"
	"github.com/bokfor/bokfor/internal/tenant"
)

// Watermark names of the product sync: the shop's (date_upd, id) position
// and the ledger's last-modified date.
const (
	WatermarkProductsShop   = "products-shop"
	WatermarkProductsLedger = "products-ledger"
)

// maxNotes bounds the conflict and skip notes carried in a result.
const maxNotes = 50

// Syncs are the activities of the product and stock sync.
type Syncs struct {
	Store      *store.Store
	Connectors Connectors
}

// SyncInput names the tenant of one sync run. A full run (every object
// compared) is a run after its watermarks were cleared.
type SyncInput struct {
	TenantID string
}

// SyncResult counts one sync run; it is the workflow's result, shown in
// the Web UI.
type SyncResult struct {
	// Read counts objects compared.
	Read int
	// Created counts objects created on the other side.
	Created int
	// Updated counts objects written on at least one side.
	Updated int
	// Conflicts counts fields both sides changed (resolved by
	// syncplan.ConflictRule).
	Conflicts int
	// Skipped counts objects left alone (see Notes).
	Skipped int
	// ConflictDetails names each conflict as "SKU field" (at most 50).
	ConflictDetails []string `json:",omitempty"`
	// Notes say why objects were skipped (at most 50).
	Notes []string `json:",omitempty"`
	// ShopWatermark and LedgerWatermark are the positions stored at the end.
	ShopWatermark   string `json:",omitempty"`
	LedgerWatermark string `json:",omitempty"`
}

func (r *SyncResult) note(format string, args ...any) {
	r.Skipped++
	if len(r.Notes) < maxNotes {
		r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
	}
}

// productCursor is the heartbeat of a product sync: the next watermarks
// fixed by the first attempt, how far it got and what it counted, so a
// retried attempt resumes instead of starting over.
type productCursor struct {
	NextShopWM   string
	NextLedgerWM string
	// Phase 1 walks changed shop products by id, phase 2 changed ledger
	// products by SKU.
	Phase      int
	LastShopID int
	LastSKU    string
	Res        SyncResult
}

// productSnapshot is the links.snapshot of a synced product: where the
// SKU lives in the shop and the fields as both sides held them after the
// last sync (the base of the next three-way merge).
type productSnapshot struct {
	ShopProductID string          `json:"shop_product_id,omitempty"`
	ShopVariantID string          `json:"shop_variant_id,omitempty"`
	Fields        syncplan.Record `json:"fields,omitempty"`
}

// shopItem is one SKU of the shop: a product without combinations, or one
// combination (read-only here: the shop client writes products only).
type shopItem struct {
	ProductID string
	VariantID string
	SKU       string
	Active    bool
	Rate      domain.VATRate
	Record    syncplan.Record
	ReadOnly  bool
}

// defaultProductOwners apply where the tenant's product_fields say
// nothing: the VAT type follows the shop's tax rule group.
var defaultProductOwners = map[string]string{syncplan.FieldVAT: syncplan.OwnerShop}

func shopItems(s *tenant.Settings, p *domain.Product) []shopItem {
	vat := ""
	if rule, err := s.VATRuleFor(int64(p.TaxRate)); err == nil {
		vat = rule.VATType
	}
	rec := func(name string, price int64) syncplan.Record {
		r := syncplan.Record{syncplan.FieldName: name, syncplan.FieldPrice: syncplan.Int(price), syncplan.FieldActive: syncplan.Bool(p.Active)}
		if vat != "" {
			r[syncplan.FieldVAT] = vat
		}
		return r
	}
	if len(p.Variants) == 0 {
		return []shopItem{{ProductID: p.ID, SKU: p.SKU, Active: p.Active, Rate: p.TaxRate, Record: rec(p.Name, int64(p.PriceTaxExcl))}}
	}
	out := make([]shopItem, 0, len(p.Variants))
	for _, v := range p.Variants {
		out = append(out, shopItem{ProductID: p.ID, VariantID: v.ID, SKU: v.SKU, Active: p.Active, Rate: p.TaxRate, ReadOnly: true,
			Record: rec(syncplan.VariantName(p.Name, p.SKU, v.SKU), int64(p.PriceTaxExcl+v.PriceImpact))})
	}
	return out
}

func ledgerRecord(p *ledger.CatalogProduct) syncplan.Record {
	return syncplan.Record{syncplan.FieldName: p.Name, syncplan.FieldPrice: syncplan.Int(p.UnitNet), syncplan.FieldActive: syncplan.Bool(p.Active),
		syncplan.FieldVAT: p.VATType, syncplan.FieldDescription: p.Note}
}

// syncEnv is one tenant's clients for a sync run.
type syncEnv struct {
	t      *store.TenantRow
	kind   string
	shop   shop.Shop
	sc     shop.Catalog
	lc     ledger.Catalog
	owners map[string]string
	wfID   string
	// ledgerComplete: the run listed every ledger product, so a SKU not
	// in the listing and not linked is not in the ledger.
	ledgerComplete bool
}

func (a *Syncs) env(ctx context.Context, tenantID string) (*syncEnv, error) {
	t, err := a.Store.Tenant(ctx, tenantID)
	if err != nil {
		return nil, classify("load tenant", err)
	}
	sh, err := a.Connectors.Shop(ctx, t)
	if err != nil {
		return nil, configError("shop client", err)
	}
	sc, ok := sh.(shop.Catalog)
	if !ok {
		return nil, unsupported{fmt.Sprintf("shop %s does not support the sync yet", sh.Kind())}
	}
	lg, err := a.Connectors.Ledger(ctx, t)
	if err != nil {
		return nil, configError("ledger client", err)
	}
	lc, ok := lg.(ledger.Catalog)
	if !ok {
		return nil, unsupported{fmt.Sprintf("ledger %s does not support the sync yet", lg.Kind())}
	}
	return &syncEnv{t: t, kind: lg.Kind(), shop: sh, sc: sc, lc: lc, wfID: activity.GetInfo(ctx).WorkflowExecution.ID,
		owners: syncplan.Owners(defaultProductOwners, t.Settings.ProductFields)}, nil
}

// unsupported means the tenant's shop or ledger has no sync support (yet):
// the run does nothing and says so in its result instead of failing every
// scheduled run.
type unsupported struct{ msg string }

func (u unsupported) Error() string { return u.msg }

// skipUnsupported turns an unsupported error into an empty result with a
// note; other errors pass.
func skipUnsupported(err error) (SyncResult, error) {
	var u unsupported
	if errors.As(err, &u) {
		return SyncResult{Notes: []string{u.msg}}, nil
	}
	return SyncResult{}, err
}

// itemError reports whether err concerns only one object (the run goes
// on and the object is skipped) rather than the connection.
func itemError(err error) bool {
	switch apierr.KindOf(err) {
	case apierr.KindValidation, apierr.KindNotFound, apierr.KindConflict:
		return true
	}
	return errors.Is(err, shop.ErrNotFound) || errors.Is(err, ledger.ErrNotFound)
}

// SyncProducts brings changed products in step: shop products changed
// since the shop watermark and ledger products modified since the ledger
// watermark's date (less one day: the ledger filters by date only, content
// comparison drops what did not change) are paired by SKU, merged per
// field ownership against the stored snapshot, and only real differences
// are written. Missing ledger products are created when the tenant's
// create_products allows it. It heartbeats its cursor and resumes there
// after a crash; watermarks move only when the run is complete.
func (a *Syncs) SyncProducts(ctx context.Context, in SyncInput) (SyncResult, error) {
	e, err := a.env(ctx, in.TenantID)
	if err != nil {
		return skipUnsupported(err)
	}
	var cur productCursor
	resumed := activity.HasHeartbeatDetails(ctx) && activity.GetHeartbeatDetails(ctx, &cur) == nil
	shopWM, err := a.Store.Watermark(ctx, e.t.ID, WatermarkProductsShop)
	if err != nil {
		return SyncResult{}, classify("read watermark", err)
	}
	ledgerWM, err := a.Store.Watermark(ctx, e.t.ID, WatermarkProductsLedger)
	if err != nil {
		return SyncResult{}, classify("read watermark", err)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	stop := keepAlive(ctx, heartbeatOf(resumed, cur)...)
	ids, nextShopWM, err := e.sc.ChangedProducts(ctx, shopWM)
	if err != nil {
		stop()
		return SyncResult{}, classify("list changed shop products", err)
	}
	var since time.Time
	if d, err := time.Parse(time.DateOnly, ledgerWM); err == nil {
		since = d.AddDate(0, 0, -1)
	}
	lps, err := e.lc.ChangedProducts(ctx, since)
	stop()
	if err != nil {
		return SyncResult{}, classify("list changed ledger products", err)
	}
	e.ledgerComplete = since.IsZero()
	if !resumed {
		cur = productCursor{NextShopWM: nextShopWM, NextLedgerWM: today, Phase: 1}
	}
	res := &cur.Res
	ledgerBySKU := map[string]*ledger.CatalogProduct{}
	for i := range lps {
		if lps[i].SKU != "" {
			ledgerBySKU[lps[i].SKU] = &lps[i]
		}
	}
	done := map[string]bool{}

	// Phase 1: changed shop products, by id.
	nums := make([]int, 0, len(ids))
	for _, id := range ids {
		if n, err := strconv.Atoi(id); err == nil {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	nums = slices.Compact(nums)
	if cur.Phase == 1 {
		nums = slices.DeleteFunc(nums, func(n int) bool { return n <= cur.LastShopID })
	} else {
		nums = nil
	}
	for start := 0; start < len(nums); start += productsPerRead {
		chunk := nums[start:min(start+productsPerRead, len(nums))]
		read, err := a.readShopProducts(ctx, e, chunk)
		if err != nil {
			return *res, err
		}
		var items []shopItem
		for _, n := range chunk {
			id := strconv.Itoa(n)
			p := read[id]
			if p == nil { // deleted since it was listed
				continue
			}
			for _, it := range shopItems(&e.t.Settings, p) {
				if it.SKU == "" {
					res.note("shop product %s: a product or combination without SKU is not synced", id)
					continue
				}
				done[it.SKU] = true
				items = append(items, it)
			}
		}
		// The SKUs of a chunk are synced syncConcurrency at a time, each
		// under its own lock and with its own counts, merged after; the
		// cursor moves past the chunk only when all of it is done.
		parts := make([]SyncResult, len(items))
		stop := keepAlive(ctx, cur) // ledger writes may queue behind a backlog of orders
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(syncConcurrency)
		for i := range items {
			g.Go(func() error {
				return a.syncProduct(gctx, e, items[i].SKU, &items[i], ledgerBySKU[items[i].SKU], &parts[i])
			})
		}
		err = g.Wait()
		stop()
		for _, p := range parts {
			res.add(p)
		}
		if err != nil {
			return *res, err
		}
		cur.LastShopID = chunk[len(chunk)-1]
		activity.RecordHeartbeat(ctx, cur)
	}
	cur.Phase = 2
	activity.RecordHeartbeat(ctx, cur)

	// Phase 2: changed ledger products the shop listing did not cover.
	for _, sku := range slices.Sorted(maps.Keys(ledgerBySKU)) {
		if done[sku] || sku <= cur.LastSKU {
			continue
		}
		if err := a.syncProduct(ctx, e, sku, nil, ledgerBySKU[sku], res); err != nil {
			return *res, err
		}
		cur.LastSKU = sku
		activity.RecordHeartbeat(ctx, cur)
	}

	if cur.NextShopWM != shopWM {
		if err := a.Store.SetWatermark(ctx, e.t.ID, WatermarkProductsShop, cur.NextShopWM); err != nil {
			return *res, classify("store watermark", err)
		}
	}
	if err := a.Store.SetWatermark(ctx, e.t.ID, WatermarkProductsLedger, cur.NextLedgerWM); err != nil {
		return *res, classify("store watermark", err)
	}
	res.ShopWatermark, res.LedgerWatermark = cur.NextShopWM, cur.NextLedgerWM
	return *res, nil
}

// productsPerRead is how many changed shop products the sync reads at a
// time (one request per hundred on PrestaShop).
const productsPerRead = 100

// syncConcurrency is how many SKUs of a chunk are synced at once: a SKU
// in step costs only store round trips (its lock, link and snapshot),
// which one at a time left a first run over 50 000 products waiting on
// PostgreSQL for most of its time. Ledger calls still queue in the
// tenant's rate limiter.
const syncConcurrency = 4

// add counts part into r, keeping at most maxNotes of each kind of note.
func (r *SyncResult) add(part SyncResult) {
	r.Read += part.Read
	r.Created += part.Created
	r.Updated += part.Updated
	r.Conflicts += part.Conflicts
	r.Skipped += part.Skipped
	r.ConflictDetails = append(r.ConflictDetails, part.ConflictDetails[:min(len(part.ConflictDetails), maxNotes-len(r.ConflictDetails))]...)
	r.Notes = append(r.Notes, part.Notes[:min(len(part.Notes), maxNotes-len(r.Notes))]...)
}

// readShopProducts reads the shop products with these ids, by id.
func (a *Syncs) readShopProducts(ctx context.Context, e *syncEnv, nums []int) (map[string]*domain.Product, error) {
	ids := make([]string, len(nums))
	for i, n := range nums {
		ids[i] = strconv.Itoa(n)
	}
	ps, err := e.sc.Products(ctx, ids)
	if err != nil {
		return nil, classify(fmt.Sprintf("read shop products %s–%s", ids[0], ids[len(ids)-1]), err)
	}
	byID := make(map[string]*domain.Product, len(ps))
	for _, p := range ps {
		byID[p.ID] = p
	}
	return byID, nil
}

// syncProduct brings one SKU in step, under the same lock the order flow
// takes before it creates a product. si or lp may be nil when that side
// was not listed; they are then looked up.
func (a *Syncs) syncProduct(ctx context.Context, e *syncEnv, sku string, si *shopItem, lp *ledger.CatalogProduct, res *SyncResult) error {
	ctx, unlock, err := a.Store.Lock(ctx, e.t.ID+"/product/"+sku)
	if err != nil {
		return classify("lock product", err)
	}
	defer unlock()
	res.Read++
	link, err := a.Store.LinkByShopID(ctx, e.t.ID, store.LinkProduct, sku)
	if errors.Is(err, store.ErrNotFound) {
		link = nil
	} else if err != nil {
		return classify("read product link", err)
	}
	var snap productSnapshot
	if link != nil && len(link.Snapshot) > 0 {
		_ = json.Unmarshal(link.Snapshot, &snap)
	}
	if si == nil {
		if si, err = a.findShopItem(ctx, e, sku, snap); errors.Is(err, errParentSKU) {
			res.note("%s: a shop product with combinations; its combinations sync by their own SKUs", sku)
			return nil
		} else if err != nil {
			if itemError(err) {
				res.note("%s: %v", sku, err)
				return nil
			}
			return classify("find shop product "+sku, err)
		}
	}
	if lp == nil && (link != nil || !e.ledgerComplete) {
		if lp, err = a.findLedgerProduct(ctx, e, sku, link); err != nil {
			return classify("find ledger product "+sku, err)
		}
	}
	switch {
	case si == nil && lp == nil:
		return nil
	case si == nil:
		return a.createShopProduct(ctx, e, lp, res)
	case lp == nil:
		return a.createLedgerProduct(ctx, e, si, res)
	}

	owners := e.owners
	if si.ReadOnly {
		owners = syncplan.ReadOnlyShop(owners)
	}
	var base syncplan.Record
	if link != nil && link.LedgerID == lp.ID {
		base = snap.Fields
	}
	plan := syncplan.Merge(base, si.Record, ledgerRecord(lp), owners)
	for _, f := range plan.Conflicts {
		res.Conflicts++
		if len(res.ConflictDetails) < maxNotes {
			res.ConflictDetails = append(res.ConflictDetails, sku+" "+f)
		}
	}
	if len(plan.ToLedger) > 0 {
		next := *lp
		next.Stock = nil
		applyLedger(&next, plan.ToLedger)
		err := e.lc.UpdateCatalogProduct(ctx, next)
		a.audit(ctx, e, "update_product", sku, lp.ID, plan.ToLedger, err)
		if err != nil {
			if itemError(err) {
				res.note("%s: ledger refused the update: %v", sku, err)
				return nil
			}
			return classify("update ledger product "+sku, err)
		}
	}
	if len(plan.ToShop) > 0 {
		if err := e.sc.UpdateProduct(ctx, si.ProductID, shopChange(plan.ToShop)); err != nil {
			if itemError(err) {
				res.note("%s: shop refused the update: %v", sku, err)
				return nil
			}
			return classify("update shop product "+sku, err)
		}
	}
	if plan.Writes() {
		res.Updated++
	}
	next := productSnapshot{ShopProductID: si.ProductID, ShopVariantID: si.VariantID, Fields: plan.Snapshot}
	if link == nil || link.LedgerID != lp.ID || !sameSnapshot(snap, next) {
		b, _ := json.Marshal(next)
		if err := a.Store.PutLink(ctx, store.Link{TenantID: e.t.ID, Kind: store.LinkProduct, ShopID: sku, LedgerID: lp.ID, Snapshot: b}); err != nil {
			return classify("store product link", err)
		}
	}
	return nil
}

func sameSnapshot(a, b productSnapshot) bool {
	return a.ShopProductID == b.ShopProductID && a.ShopVariantID == b.ShopVariantID && maps.Equal(a.Fields, b.Fields)
}

// createLedgerProduct creates the ledger product of a shop SKU (active
// products only, when the tenant allows it) and links it.
func (a *Syncs) createLedgerProduct(ctx context.Context, e *syncEnv, si *shopItem, res *SyncResult) error {
	if !e.t.Settings.CreateProducts {
		res.note("%s: not in the ledger and create_products is off", si.SKU)
		return nil
	}
	if !si.Active {
		return nil
	}
	rule, err := e.t.Settings.VATRuleFor(int64(si.Rate))
	if err != nil {
		res.note("%s: %v", si.SKU, err)
		return nil
	}
	lp := ledger.CatalogProduct{SKU: si.SKU, Name: si.Record[syncplan.FieldName], UnitNet: syncplan.ParseInt(si.Record[syncplan.FieldPrice]),
		VATType: rule.VATType, Account: rule.IncomeAccount, Active: true}
	id, err := e.lc.CreateCatalogProduct(ctx, lp)
	a.audit(ctx, e, "create_product", si.SKU, id, si.Record, err)
	if err != nil {
		if itemError(err) {
			res.note("%s: ledger refused the product: %v", si.SKU, err)
			return nil
		}
		return classify("create ledger product "+si.SKU, err)
	}
	lp.ID = id
	plan := syncplan.Merge(nil, si.Record, ledgerRecord(&lp), e.owners)
	b, _ := json.Marshal(productSnapshot{ShopProductID: si.ProductID, ShopVariantID: si.VariantID, Fields: plan.Snapshot})
	if err := a.Store.PutLink(ctx, store.Link{TenantID: e.t.ID, Kind: store.LinkProduct, ShopID: si.SKU, LedgerID: id, Snapshot: b}); err != nil {
		return classify("store product link", err)
	}
	res.Created++
	return nil
}

// createShopProduct creates the shop product of an active ledger product
// when the tenant's create_products allows it, with the tax rule group of
// the VAT rate the tenant maps to the product's VAT type, and links it.
func (a *Syncs) createShopProduct(ctx context.Context, e *syncEnv, lp *ledger.CatalogProduct, res *SyncResult) error {
	if !lp.Active {
		return nil
	}
	if !e.t.Settings.CreateProducts {
		res.note("%s: not in the shop and create_products is off", lp.SKU)
		return nil
	}
	rate, ok := rateOfVATType(&e.t.Settings, lp.VATType)
	if !ok {
		res.note("%s: no VAT rule maps the ledger's VAT type %q to a rate", lp.SKU, lp.VATType)
		return nil
	}
	id, err := e.sc.CreateProduct(ctx, shop.NewProduct{SKU: lp.SKU, Name: lp.Name, PriceNet: lp.UnitNet, Rate: rate, Active: true})
	if err != nil {
		if itemError(err) {
			res.note("%s: shop refused the product: %v", lp.SKU, err)
			return nil
		}
		return classify("create shop product "+lp.SKU, err)
	}
	res.Created++
	p, err := e.sc.Product(ctx, id)
	if err != nil {
		return classify("read created shop product "+lp.SKU, err)
	}
	snap := productSnapshot{ShopProductID: id}
	for _, it := range shopItems(&e.t.Settings, p) {
		if it.SKU == lp.SKU {
			snap.Fields = syncplan.Merge(nil, it.Record, ledgerRecord(lp), e.owners).Snapshot
		}
	}
	b, _ := json.Marshal(snap)
	if err := a.Store.PutLink(ctx, store.Link{TenantID: e.t.ID, Kind: store.LinkProduct, ShopID: lp.SKU, LedgerID: lp.ID, Snapshot: b}); err != nil {
		return classify("store product link", err)
	}
	return nil
}

// rateOfVATType returns the VAT rate the tenant's first VAT rule with this
// ledger VAT type maps.
func rateOfVATType(s *tenant.Settings, vatType string) (domain.VATRate, bool) {
	for _, v := range s.VAT {
		if v.VATType == vatType {
			if r, err := domain.ParseVATRate(v.Rate); err == nil {
				return r, true
			}
		}
	}
	return 0, false
}

// errParentSKU: the SKU is the reference of a shop product with
// combinations, which is not synced itself (its combinations are).
var errParentSKU = errors.New("product with combinations")

// findShopItem locates a SKU in the shop: through the link's snapshot,
// else by product or combination reference. nil when the shop has no such
// SKU; errParentSKU when it belongs to a product with combinations.
func (a *Syncs) findShopItem(ctx context.Context, e *syncEnv, sku string, snap productSnapshot) (*shopItem, error) {
	ids := []string{snap.ShopProductID}
	if snap.ShopProductID == "" {
		var err error
		if ids, err = e.sc.ProductIDsBySKU(ctx, sku); err != nil {
			return nil, err
		}
		if len(ids) > 1 {
			return nil, &apierr.Error{Kind: apierr.KindConflict, API: "prestashop", Op: "find product",
				Message: fmt.Sprintf("%d shop products have this SKU", len(ids))}
		}
	}
	for _, id := range ids {
		p, err := e.sc.Product(ctx, id)
		if errors.Is(err, shop.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, it := range shopItems(&e.t.Settings, p) {
			if it.SKU == sku {
				return &it, nil
			}
		}
		if p.SKU == sku && len(p.Variants) > 0 {
			return nil, errParentSKU
		}
	}
	return nil, nil
}

// findLedgerProduct reads the linked ledger product, else looks the SKU
// up; nil when the ledger has none.
func (a *Syncs) findLedgerProduct(ctx context.Context, e *syncEnv, sku string, link *store.Link) (*ledger.CatalogProduct, error) {
	if link != nil {
		p, err := e.lc.CatalogProduct(ctx, link.LedgerID)
		if err == nil && p.SKU == sku {
			return p, nil
		}
		if err != nil && !errors.Is(err, ledger.ErrNotFound) {
			return nil, err
		}
	}
	p, err := e.lc.ProductBySKU(ctx, sku)
	if errors.Is(err, ledger.ErrNotFound) {
		return nil, nil
	}
	return p, err
}

func applyLedger(p *ledger.CatalogProduct, r syncplan.Record) {
	for f, v := range r {
		switch f {
		case syncplan.FieldName:
			p.Name = v
		case syncplan.FieldPrice:
			p.UnitNet = syncplan.ParseInt(v)
		case syncplan.FieldActive:
			p.Active = syncplan.ParseBool(v)
		case syncplan.FieldVAT:
			p.VATType = v
		case syncplan.FieldDescription:
			p.Note = v
		}
	}
}

func shopChange(r syncplan.Record) shop.ProductChange {
	var c shop.ProductChange
	if v, ok := r[syncplan.FieldName]; ok {
		c.Name = &v
	}
	if v, ok := r[syncplan.FieldPrice]; ok {
		n := syncplan.ParseInt(v)
		c.PriceNet = &n
	}
	if v, ok := r[syncplan.FieldActive]; ok {
		b := syncplan.ParseBool(v)
		c.Active = &b
	}
	return c
}

// audit records a ledger write of the sync; a failure to audit is not a
// reason to undo or repeat the write.
func (a *Syncs) audit(ctx context.Context, e *syncEnv, op, sku, ledgerID string, fields syncplan.Record, err error) {
	entry := store.AuditEntry{TenantID: e.t.ID, WorkflowID: e.wfID, Ledger: e.kind, Operation: op, Reference: "product:" + sku,
		LedgerID: ledgerID, Outcome: "written"}
	detail := map[string]any{"fields": fields}
	if err != nil {
		entry.Outcome = "failed"
		detail["error"] = err.Error()
	}
	entry.Detail, _ = json.Marshal(detail)
	_ = a.Store.Audit(ctx, entry)
}

// SyncStock copies stock from the tenant's stock master to the other side
// for every ledger product with a SKU, writing only quantities that
// differ. With the ledger as master the shop gets the ledger's stock less
// the units of orders bokfor has not booked yet (orders in the store
// without a ledger document, not cancelled or skipped, re-read from the
// shop), which the shop already took off its own stock. With the shop as
// master the ledger's stock is set to the shop's quantity.
func (a *Syncs) SyncStock(ctx context.Context, in SyncInput) (SyncResult, error) {
	e, err := a.env(ctx, in.TenantID)
	if err != nil {
		return skipUnsupported(err)
	}
	var res SyncResult
	master := e.t.Settings.StockMaster
	if master != tenant.StockMasterLedger && master != tenant.StockMasterShop {
		res.Notes = append(res.Notes, "stock_master is "+master+": nothing to do")
		return res, nil
	}
	var cur struct {
		LastSKU string
		Res     SyncResult
	}
	resumed := activity.HasHeartbeatDetails(ctx) && activity.GetHeartbeatDetails(ctx, &cur) == nil
	if resumed {
		res = cur.Res
	}
	stop := keepAlive(ctx, heartbeatOf(resumed, cur)...)
	lps, err := e.lc.ChangedProducts(ctx, time.Time{})
	if err != nil {
		stop()
		return res, classify("list ledger products", err)
	}
	unbooked := map[string]int{}
	if master == tenant.StockMasterLedger {
		unbooked, err = a.unbookedUnits(ctx, e)
	}
	stop()
	if err != nil {
		return res, err
	}
	slices.SortFunc(lps, func(x, y ledger.CatalogProduct) int { return cmp.Compare(x.SKU, y.SKU) })
	levels := map[string][]domain.StockLevel{}
	for i := range lps {
		lp := &lps[i]
		if lp.SKU == "" || lp.SKU <= cur.LastSKU {
			continue
		}
		if master == tenant.StockMasterLedger && lp.Stock == nil {
			continue
		}
		res.Read++
		row, err := a.stockRow(ctx, e, lp.SKU, levels)
		if err != nil {
			return res, classify("read shop stock of "+lp.SKU, err)
		}
		switch {
		case row == nil:
			res.note("%s: no stock row in the shop", lp.SKU)
		case row.DependsOnStock:
			res.note("%s: the shop computes this stock itself (advanced stock management)", lp.SKU)
		case master == tenant.StockMasterLedger:
			want := syncplan.ShopStock(*lp.Stock, unbooked[lp.SKU])
			if row.Quantity != want {
				if err := e.sc.SetStock(ctx, row.ID, want); err != nil {
					return res, classify("set shop stock of "+lp.SKU, err)
				}
				row.Quantity = want
				res.Updated++
			}
		default:
			want := syncplan.LedgerStock(row.Quantity)
			if lp.Stock == nil || *lp.Stock != want {
				next := *lp
				next.Stock = &want
				err := e.lc.UpdateCatalogProduct(ctx, next)
				a.audit(ctx, e, "set_stock", lp.SKU, lp.ID, syncplan.Record{"stock": strconv.Itoa(row.Quantity)}, err)
				if err != nil {
					return res, classify("set ledger stock of "+lp.SKU, err)
				}
				res.Updated++
			}
		}
		cur.LastSKU, cur.Res = lp.SKU, res
		activity.RecordHeartbeat(ctx, cur)
	}
	return res, nil
}

// unbookedUnits sums, per SKU, the units of orders without a ledger
// document (the caller keeps the activity alive meanwhile).
func (a *Syncs) unbookedUnits(ctx context.Context, e *syncEnv) (map[string]int, error) {
	ids, err := a.Store.UnbookedOrders(ctx, e.t.ID)
	if err != nil {
		return nil, classify("list unbooked orders", err)
	}
	out := map[string]int{}
	for _, id := range ids {
		o, err := e.shop.Order(ctx, id)
		if errors.Is(err, shop.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, classify("read order "+id, err)
		}
		for _, l := range o.Lines {
			if l.SKU != "" {
				out[l.SKU] += l.Quantity - l.QuantityRefunded
			}
		}
	}
	return out, nil
}

// stockRow finds the shop stock row of a SKU: the linked product and
// combination from the product sync's snapshot, else the product with
// this reference. levels caches each product's rows for the run.
func (a *Syncs) stockRow(ctx context.Context, e *syncEnv, sku string, levels map[string][]domain.StockLevel) (*domain.StockLevel, error) {
	var snap productSnapshot
	if link, err := a.Store.LinkByShopID(ctx, e.t.ID, store.LinkProduct, sku); err == nil && len(link.Snapshot) > 0 {
		_ = json.Unmarshal(link.Snapshot, &snap)
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	productID, variantID := snap.ShopProductID, snap.ShopVariantID
	if productID == "" {
		it, err := a.findShopItem(ctx, e, sku, snap)
		if it == nil || err != nil {
			if itemError(err) || errors.Is(err, errParentSKU) {
				return nil, nil
			}
			return nil, err
		}
		productID, variantID = it.ProductID, it.VariantID
	}
	rows, ok := levels[productID]
	if !ok {
		var err error
		if rows, err = e.sc.StockLevels(ctx, productID); err != nil {
			return nil, err
		}
		levels[productID] = rows
	}
	for i := range rows {
		if rows[i].VariantID == variantID {
			return &rows[i], nil
		}
	}
	return nil, nil
}
