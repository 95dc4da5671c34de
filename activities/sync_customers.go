package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/shop"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/syncplan"
)

// Watermark names of the customer sync.
const (
	WatermarkCustomersShop   = "customers-shop"
	WatermarkCustomersLedger = "customers-ledger"
)

// customerCursor is the heartbeat of a customer sync (see productCursor).
type customerCursor struct {
	NextShopWM   string
	NextLedgerWM string
	// Phase 1 walks changed ledger customers by id, phase 2 changed shop
	// customers by id.
	Phase        int
	LastLedgerID int64
	LastShopID   int
	Res          SyncResult
}

// customerSnapshot is the links.snapshot of a synced customer.
type customerSnapshot struct {
	Fields syncplan.Record `json:"fields,omitempty"`
}

type customerEnv struct {
	*syncEnv
	cc  shop.CustomerCatalog
	lcc ledger.CustomerCatalog
	// fields are the owners of the customer fields.
	fields map[string]string
}

func (a *Syncs) customerEnv(ctx context.Context, tenantID string) (*customerEnv, error) {
	e, err := a.env(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	cc, ok := e.shop.(shop.CustomerCatalog)
	if !ok {
		return nil, unsupported{fmt.Sprintf("shop %s does not support the customer sync yet", e.shop.Kind())}
	}
	lg, err := a.Connectors.Ledger(ctx, e.t)
	if err != nil {
		return nil, configError("ledger client", err)
	}
	lcc, ok := lg.(ledger.CustomerCatalog)
	if !ok {
		return nil, unsupported{fmt.Sprintf("ledger %s does not support the customer sync yet", lg.Kind())}
	}
	return &customerEnv{syncEnv: e, cc: cc, lcc: lcc, fields: syncplan.Owners(nil, e.t.Settings.CustomerFields)}, nil
}

// normOrg keeps a Norwegian organisation number's 9 digits, so "NO 999
// 888 777 MVA" in the shop equals "999888777" in the ledger.
func normOrg(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 9 {
		return b.String()
	}
	return strings.TrimSpace(s)
}

func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func shopCustomerRecord(c *domain.Customer) syncplan.Record {
	return syncplan.Record{syncplan.FieldName: c.Name(), syncplan.FieldEmail: normEmail(c.Email), syncplan.FieldOrgNo: normOrg(c.OrgNumber)}
}

func ledgerCustomerRecord(c *ledger.CatalogCustomer) syncplan.Record {
	return syncplan.Record{syncplan.FieldName: c.Name, syncplan.FieldEmail: normEmail(c.Email), syncplan.FieldOrgNo: normOrg(c.OrgNumber)}
}

// splitName splits a person's name into first names and last name.
func splitName(name string) (first, last string) {
	name = strings.TrimSpace(name)
	i := strings.LastIndexByte(name, ' ')
	if i < 0 {
		return name, name
	}
	return strings.TrimSpace(name[:i]), name[i+1:]
}

// SyncCustomers imports ledger customers into the shop and carries changes
// of linked customers both ways. Ledger customers changed since the
// watermark date (less a day) are matched to shop accounts by link, then
// e-mail, then organisation number; an unmatched active customer with an
// e-mail is created in the shop with its address. Shop customers changed
// since the shop watermark are written to the ledger only when linked
// (new shop customers reach the ledger with their first order). Fields
// name, email and organization_number follow settings.customer_fields
// with the same three-way merge as products; addresses are carried over
// only when a customer is created.
func (a *Syncs) SyncCustomers(ctx context.Context, in SyncInput) (SyncResult, error) {
	e, err := a.customerEnv(ctx, in.TenantID)
	if err != nil {
		return skipUnsupported(err)
	}
	var cur customerCursor
	resumed := activity.HasHeartbeatDetails(ctx) && activity.GetHeartbeatDetails(ctx, &cur) == nil
	shopWM, err := a.Store.Watermark(ctx, e.t.ID, WatermarkCustomersShop)
	if err != nil {
		return SyncResult{}, classify("read watermark", err)
	}
	ledgerWM, err := a.Store.Watermark(ctx, e.t.ID, WatermarkCustomersLedger)
	if err != nil {
		return SyncResult{}, classify("read watermark", err)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	var since time.Time
	if d, err := time.Parse(time.DateOnly, ledgerWM); err == nil {
		since = d.AddDate(0, 0, -1)
	}
	stop := keepAlive(ctx, heartbeatOf(resumed, cur)...)
	lcs, err := e.lcc.ChangedCustomers(ctx, since)
	if err != nil {
		stop()
		return SyncResult{}, classify("list changed ledger customers", err)
	}
	ids, nextShopWM, err := e.cc.ChangedCustomers(ctx, shopWM)
	stop()
	if err != nil {
		return SyncResult{}, classify("list changed shop customers", err)
	}
	if !resumed {
		cur = customerCursor{NextShopWM: nextShopWM, NextLedgerWM: today, Phase: 1}
	}
	res := &cur.Res
	done := map[string]bool{}

	byID := map[int64]*ledger.CatalogCustomer{}
	for i := range lcs {
		if n, err := strconv.ParseInt(lcs[i].ID, 10, 64); err == nil {
			byID[n] = &lcs[i]
		}
	}
	for _, n := range slices.Sorted(maps.Keys(byID)) {
		if cur.Phase > 1 || n <= cur.LastLedgerID {
			continue
		}
		shopID, err := a.importCustomer(ctx, e, byID[n], res)
		if err != nil {
			return *res, err
		}
		done[shopID] = true
		cur.LastLedgerID = n
		activity.RecordHeartbeat(ctx, cur)
	}
	cur.Phase = 2
	activity.RecordHeartbeat(ctx, cur)

	nums := make([]int, 0, len(ids))
	for _, id := range ids {
		if n, err := strconv.Atoi(id); err == nil {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	for _, n := range slices.Compact(nums) {
		id := strconv.Itoa(n)
		if done[id] || n <= cur.LastShopID {
			continue
		}
		if err := a.updateLinkedCustomer(ctx, e, id, res); err != nil {
			return *res, err
		}
		cur.LastShopID = n
		activity.RecordHeartbeat(ctx, cur)
	}

	if err := a.Store.SetWatermark(ctx, e.t.ID, WatermarkCustomersShop, cur.NextShopWM); err != nil {
		return *res, classify("store watermark", err)
	}
	if err := a.Store.SetWatermark(ctx, e.t.ID, WatermarkCustomersLedger, cur.NextLedgerWM); err != nil {
		return *res, classify("store watermark", err)
	}
	res.ShopWatermark, res.LedgerWatermark = cur.NextShopWM, cur.NextLedgerWM
	return *res, nil
}

// importCustomer brings one ledger customer to the shop: merged when
// linked or matched, created when neither. It returns the shop id ("" if
// none).
func (a *Syncs) importCustomer(ctx context.Context, e *customerEnv, lc *ledger.CatalogCustomer, res *SyncResult) (string, error) {
	ctx, unlock, err := a.Store.Lock(ctx, e.t.ID+"/customer-import/"+lc.ID)
	if err != nil {
		return "", classify("lock customer", err)
	}
	defer unlock()
	res.Read++
	link, err := a.Store.LinkByLedgerID(ctx, e.t.ID, store.LinkCustomer, lc.ID)
	if errors.Is(err, store.ErrNotFound) {
		link = nil
	} else if err != nil {
		return "", classify("read customer link", err)
	}
	if link != nil {
		if strings.HasPrefix(link.ShopID, "guest:") {
			return "", nil
		}
		sc, err := e.cc.Customer(ctx, link.ShopID)
		if errors.Is(err, shop.ErrNotFound) {
			res.note("customer %s: linked shop customer %s is gone", lc.ID, link.ShopID)
			return "", nil
		}
		if err != nil {
			return "", classify("read shop customer "+link.ShopID, err)
		}
		return sc.ID, a.mergeCustomer(ctx, e, link, sc, lc, res)
	}
	if lc.Email == "" {
		res.note("customer %s: no e-mail, not imported into the shop", lc.ID)
		return "", nil
	}
	match, err := a.matchShopCustomer(ctx, e, lc)
	if err != nil {
		return "", classify("find shop customer", err)
	}
	if match != nil {
		if other, err := a.Store.LinkByShopID(ctx, e.t.ID, store.LinkCustomer, match.ID); err == nil && other.LedgerID != lc.ID {
			res.note("customer %s: shop customer %s is already linked to ledger customer %s", lc.ID, match.ID, other.LedgerID)
			return match.ID, nil
		}
		return match.ID, a.mergeCustomer(ctx, e, nil, match, lc, res)
	}
	if lc.Inactive {
		return "", nil
	}
	nc := shop.NewCustomer{Email: lc.Email, OrgNumber: lc.OrgNumber, Address: lc.Address}
	nc.FirstName, nc.LastName = splitName(lc.Name)
	if lc.OrgNumber != "" {
		nc.Company = lc.Name
	}
	id, err := e.cc.CreateCustomer(ctx, nc)
	if err != nil {
		if itemError(err) {
			res.note("customer %s: shop refused the customer: %v", lc.ID, err)
			return "", nil
		}
		return "", classify("create shop customer for "+lc.ID, err)
	}
	res.Created++
	sc, err := e.cc.Customer(ctx, id)
	if err != nil {
		return id, classify("read created shop customer "+id, err)
	}
	snap := customerSnapshot{Fields: syncplan.Merge(nil, shopCustomerRecord(sc), ledgerCustomerRecord(lc), e.fields).Snapshot}
	b, _ := json.Marshal(snap)
	if err := a.Store.PutLink(ctx, store.Link{TenantID: e.t.ID, Kind: store.LinkCustomer, ShopID: id, LedgerID: lc.ID, Snapshot: b}); err != nil {
		return id, classify("store customer link", err)
	}
	return id, nil
}

// matchShopCustomer finds the shop account of a ledger customer by
// e-mail, then organisation number; guests and deleted accounts do not
// count.
func (a *Syncs) matchShopCustomer(ctx context.Context, e *customerEnv, lc *ledger.CatalogCustomer) (*domain.Customer, error) {
	pick := func(cs []domain.Customer) *domain.Customer {
		for i := range cs {
			if !cs[i].Guest && !cs[i].Deleted {
				return &cs[i]
			}
		}
		return nil
	}
	cs, err := e.cc.CustomersByEmail(ctx, lc.Email)
	if err != nil {
		return nil, err
	}
	if c := pick(cs); c != nil {
		return c, nil
	}
	if lc.OrgNumber == "" {
		return nil, nil
	}
	if cs, err = e.cc.CustomersByOrgNumber(ctx, lc.OrgNumber); err != nil {
		return nil, err
	}
	return pick(cs), nil
}

// updateLinkedCustomer merges a changed shop customer with its linked
// ledger customer; unlinked shop customers are left to the order flow.
func (a *Syncs) updateLinkedCustomer(ctx context.Context, e *customerEnv, shopID string, res *SyncResult) error {
	link, err := a.Store.LinkByShopID(ctx, e.t.ID, store.LinkCustomer, shopID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return classify("read customer link", err)
	}
	res.Read++
	lc, err := e.lcc.CatalogCustomer(ctx, link.LedgerID)
	if errors.Is(err, ledger.ErrNotFound) {
		res.note("shop customer %s: linked ledger customer %s is gone", shopID, link.LedgerID)
		return nil
	}
	if err != nil {
		return classify("read ledger customer "+link.LedgerID, err)
	}
	sc, err := e.cc.Customer(ctx, shopID)
	if errors.Is(err, shop.ErrNotFound) {
		return nil
	}
	if err != nil {
		return classify("read shop customer "+shopID, err)
	}
	return a.mergeCustomer(ctx, e, link, sc, lc, res)
}

// mergeCustomer writes the merged fields of one linked (or just matched)
// customer pair and stores the snapshot.
func (a *Syncs) mergeCustomer(ctx context.Context, e *customerEnv, link *store.Link, sc *domain.Customer, lc *ledger.CatalogCustomer, res *SyncResult) error {
	var snap customerSnapshot
	if link != nil && link.LedgerID == lc.ID && len(link.Snapshot) > 0 {
		_ = json.Unmarshal(link.Snapshot, &snap)
	}
	plan := syncplan.Merge(snap.Fields, shopCustomerRecord(sc), ledgerCustomerRecord(lc), e.fields)
	for _, f := range plan.Conflicts {
		res.Conflicts++
		if len(res.ConflictDetails) < maxNotes {
			res.ConflictDetails = append(res.ConflictDetails, "customer "+lc.ID+" "+f)
		}
	}
	if len(plan.ToLedger) > 0 {
		var ch ledger.CustomerChange
		if v, ok := plan.ToLedger[syncplan.FieldName]; ok {
			ch.Name = &v
		}
		if v, ok := plan.ToLedger[syncplan.FieldEmail]; ok {
			ch.Email = &v
		}
		if v, ok := plan.ToLedger[syncplan.FieldOrgNo]; ok {
			ch.OrgNumber = &v
		}
		err := e.lcc.UpdateCatalogCustomer(ctx, lc.ID, ch)
		entry := store.AuditEntry{TenantID: e.t.ID, WorkflowID: e.wfID, Ledger: e.kind, Operation: "update_customer",
			Reference: "customer:" + sc.ID, LedgerID: lc.ID, Outcome: "written"}
		detail := map[string]any{"fields": slices.Sorted(maps.Keys(plan.ToLedger))}
		if err != nil {
			entry.Outcome, detail["error"] = "failed", err.Error()
		}
		entry.Detail, _ = json.Marshal(detail)
		_ = a.Store.Audit(ctx, entry)
		if err != nil {
			if itemError(err) {
				res.note("customer %s: ledger refused the update: %v", lc.ID, err)
				return nil
			}
			return classify("update ledger customer "+lc.ID, err)
		}
	}
	if len(plan.ToShop) > 0 {
		var ch shop.CustomerChange
		if v, ok := plan.ToShop[syncplan.FieldName]; ok {
			if sc.Company != "" {
				ch.Company = &v
			} else {
				first, last := splitName(v)
				ch.FirstName, ch.LastName = &first, &last
			}
		}
		if v, ok := plan.ToShop[syncplan.FieldEmail]; ok {
			ch.Email = &v
		}
		if v, ok := plan.ToShop[syncplan.FieldOrgNo]; ok {
			ch.OrgNumber = &v
		}
		if err := e.cc.UpdateCustomer(ctx, sc.ID, ch); err != nil {
			if itemError(err) {
				res.note("customer %s: shop refused the update: %v", sc.ID, err)
				return nil
			}
			return classify("update shop customer "+sc.ID, err)
		}
	}
	if plan.Writes() {
		res.Updated++
	}
	next := customerSnapshot{Fields: plan.Snapshot}
	if link == nil || link.LedgerID != lc.ID || !maps.Equal(snap.Fields, next.Fields) {
		b, _ := json.Marshal(next)
		if err := a.Store.PutLink(ctx, store.Link{TenantID: e.t.ID, Kind: store.LinkCustomer, ShopID: sc.ID, LedgerID: lc.ID, Snapshot: b}); err != nil {
			return classify("store customer link", err)
		}
	}
	return nil
}
