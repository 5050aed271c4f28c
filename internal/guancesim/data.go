package guancesim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Workspace identity served in every record.
const (
	WorkspaceUUID = "wksp_7f3c2a9e4b1d4c8e9a6b5d4c3b2a1f0e"
	WorkspaceName = "生产环境"
)

// Calendar landmarks of the simulated workspace, as day numbers (days since
// 1970-01-01, UTC).
var (
	firstDay      = dayNumber(2023, time.January, 1) // workspace creation: no records before
	billingKeyDay = dayNumber(2024, time.January, 1) // from this day on, billingKey replaces tag6
	exampleDay    = dayNumber(2023, time.July, 31)   // the day that also serves the documented example record
	maxPeriodDays = 3660                             // longest period the list endpoint accepts by default
)

// dayNumber returns the number of days between 1970-01-01 and the given date.
func dayNumber(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dayOf returns the day number of t's calendar date in t's own location.
func dayOf(t time.Time) int {
	y, m, d := t.Date()
	return dayNumber(y, m, d)
}

// Field is one member of a Record: its name and its exact JSON text as served
// (for example `"None"`, `17211.88`, `"123.45"`, `null`).
type Field struct {
	Name  string
	Value json.RawMessage
}

// Record is one billing record in wire form: its fields in the order the
// simulator serves them. Values are kept as raw JSON text so that tests can
// assert the exact representation (string versus number, "None", null).
// Record marshals to the same JSON object text the simulator sends.
type Record []Field

// Get returns the raw JSON text of the named field.
func (r Record) Get(name string) (json.RawMessage, bool) {
	for _, f := range r {
		if f.Name == name {
			return f.Value, true
		}
	}
	return nil, false
}

// Text returns the named field as text: a JSON string is unquoted, any other
// value (number, null, true) is returned as its raw JSON text. A missing field
// gives "".
func (r Record) Text(name string) string {
	v, ok := r.Get(name)
	if !ok {
		return ""
	}
	if len(v) > 0 && v[0] == '"' {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			return s
		}
	}
	return string(v)
}

// Names returns the field names in order.
func (r Record) Names() []string {
	names := make([]string, len(r))
	for i, f := range r {
		names[i] = f.Name
	}
	return names
}

// MarshalJSON writes the record as a JSON object with the fields in order and
// the values exactly as stored.
func (r Record) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range r {
		if i > 0 {
			b.WriteByte(',')
		}
		name, err := json.Marshal(f.Name)
		if err != nil {
			return nil, err
		}
		b.Write(name)
		b.WriteByte(':')
		if len(f.Value) == 0 {
			b.WriteString("null")
		} else {
			b.Write(f.Value)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Records returns exactly the records the simulator serves for the inclusive
// period from start to end, for the catalogue selected by opts.RecordsPerDay
// and the workspaces of opts.Workspaces (other options are ignored). Only the calendar dates of start and end (in
// their own locations) matter. The result is empty, not nil, when the period
// has no records; it is also empty when end is before start.
//
// Per day, from 2023-01-01 on, in this order:
//   - on 2023-07-31 only: the official example record of the API
//     documentation (Session Replay, amounts 0, count 0, tag6
//     "session_replay", most text fields "None");
//   - the catalogue products, then the synthetic items.
//
// Rules for the regular records:
//   - productName "dataFlux", billingCycle "Day", commodityCategory
//     "pay-as-you-go", consumeTime "YYYY-MM-DD 23:59:59";
//   - orgName, serviceBillingAmount, customerIdentifier, consumption and
//     billingResultDetails are "None";
//   - deductionAmount and oweAmount are "None" on odd days of the month and 0
//     on even days;
//   - originAmount = count × price with up to 4 decimals (trailing zeros
//     dropped, integer when whole); billingResult = originAmount rounded
//     half-up to cents, written with exactly two decimals, or as an integer
//     when it has no cents;
//   - billingResult of Log is a JSON string ("123.45"), every other amount is
//     a JSON number;
//   - Session Replay is paid by coupon: couponAmount = billingResult,
//     cashAmount 0; every other item has couponAmount 0 and cashAmount =
//     billingResult; storedCardAmount is always 0;
//   - cashCouldAmount is null for Metric, "" for Log, 0 otherwise;
//   - consumePlatform is "None" for Metric, "guance" otherwise;
//   - the measurement is sent as tag6 before 2024-01-01 and as billingKey from
//     then on (never both), always between consumeTime and
//     billingResultDetails;
//   - count is a JSON integer.
func Records(opts Options, start, end time.Time) []Record {
	w := &recordWriter{collect: true, records: []Record{}}
	writePeriod(w, itemsOf(opts), dayOf(start), dayOf(end))
	return w.records
}

// item is one billed product of the catalogue.
type item struct {
	detail      string // productDetail
	measurement string // tag6 / billingKey
	priceE4     int64  // unit price in 1/10000 CNY
	minCount    int64  // daily usage range, inclusive
	maxCount    int64
	stringTotal bool   // billingResult sent as a JSON string (Log)
	byCoupon    bool   // fully paid by coupon (Session Replay)
	cashCould   string // raw JSON of cashCouldAmount
	platform    string // consumePlatform
	workspace   string // workspaceUuid; "" is WorkspaceUUID
	wsName      string // workspaceName; "" is WorkspaceName
}

// WorkspaceUUIDs are the IDs of the n workspaces Options.Workspaces bills, WorkspaceUUID first;
// the others are named "工作空间 2" and so on.
func WorkspaceUUIDs(n int) []string {
	ids := []string{WorkspaceUUID}
	for i := 2; i <= n; i++ {
		ids = append(ids, fmt.Sprintf("wksp_%032x", i))
	}
	return ids
}

// itemsOf is the items opts bills each day, each with its workspace.
func itemsOf(opts Options) []item {
	items := itemsFor(opts.RecordsPerDay)
	if opts.Workspaces <= 1 {
		return items
	}
	items = slices.Clone(items)
	ids := WorkspaceUUIDs(opts.Workspaces)
	for i := range items {
		if n := i % opts.Workspaces; n > 0 {
			items[i].workspace, items[i].wsName = ids[n], fmt.Sprintf("工作空间 %d", n+1)
		}
	}
	return items
}

// catalogue is the default list of products, in serving order.
var catalogue = [...]item{
	{detail: "Log", measurement: "logging", priceE4: 120, minCount: 5_000, maxCount: 150_000, stringTotal: true, cashCould: `""`, platform: "guance"},
	{detail: "Metric", measurement: "time_series", priceE4: 6, minCount: 100_000, maxCount: 400_000, cashCould: `null`, platform: "None"},
	{detail: "APM Trace", measurement: "tracing", priceE4: 200, minCount: 1_000, maxCount: 50_000, cashCould: `0`, platform: "guance"},
	{detail: "RUM PV", measurement: "rum", priceE4: 70, minCount: 1_000, maxCount: 100_000, cashCould: `0`, platform: "guance"},
	{detail: "Session Replay", measurement: "session_replay", priceE4: 1000, minCount: 100, maxCount: 5_000, byCoupon: true, cashCould: `0`, platform: "guance"},
	{detail: "Synthetic Test", measurement: "dialing_task", priceE4: 3, minCount: 1_000, maxCount: 400_000, cashCould: `0`, platform: "guance"},
	{detail: "Security Check", measurement: "security", priceE4: 4, minCount: 1_000, maxCount: 400_000, cashCould: `0`, platform: "guance"},
	{detail: "Data Forward", measurement: "data_forward", priceE4: 9, minCount: 1_000, maxCount: 400_000, cashCould: `0`, platform: "guance"},
}

// itemsFor returns the items served each day for the given RecordsPerDay:
// the catalogue (0 or negative: all 8; 1..7: the first n), then synthetic
// "Custom Item NNNN" items (price 0.001) up to n.
func itemsFor(n int) []item {
	if n <= 0 {
		n = len(catalogue)
	}
	if n <= len(catalogue) {
		return catalogue[:n:n]
	}
	items := make([]item, n)
	copy(items, catalogue[:])
	for i := len(catalogue); i < n; i++ {
		items[i] = item{
			detail:      fmt.Sprintf("Custom Item %04d", i+1),
			measurement: fmt.Sprintf("custom_%04d", i+1),
			priceE4:     10,
			minCount:    1_000,
			maxCount:    400_000,
			cashCould:   `0`,
			platform:    "guance",
		}
	}
	return items
}

// dailyCount is the usage of item index idx on the given day ("YYYY-MM-DD"):
// FNV-1a 64 of "YYYY-MM-DD|idx" mapped into the item's range.
func dailyCount(date string, idx int, it *item) int64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	for i := 0; i < len(date); i++ {
		h ^= uint64(date[i])
		h *= prime
	}
	h ^= '|'
	h *= prime
	var tmp [20]byte
	for _, c := range strconv.AppendInt(tmp[:0], int64(idx), 10) {
		h ^= uint64(c)
		h *= prime
	}
	return it.minCount + int64(h%uint64(it.maxCount-it.minCount+1))
}

// day holds the per-day values shared by all records of the day.
type day struct {
	date        string // YYYY-MM-DD
	consumeTime string // YYYY-MM-DD 23:59:59
	odd         bool   // odd day of month
	billingKey  bool   // measurement sent as billingKey instead of tag6
}

func makeDay(n int) day {
	t := time.Unix(int64(n)*86400, 0).UTC()
	date := t.Format("2006-01-02")
	return day{
		date:        date,
		consumeTime: date + " 23:59:59",
		odd:         t.Day()%2 == 1,
		billingKey:  n >= billingKeyDay,
	}
}

// writePeriod writes the records of the inclusive day range [from, to].
func writePeriod(w *recordWriter, items []item, from, to int) {
	if from < firstDay {
		from = firstDay
	}
	for n := from; n <= to; n++ {
		d := makeDay(n)
		if n == exampleDay {
			writeExampleRecord(w, &d)
		}
		for i := range items {
			writeRecord(w, &d, i, &items[i])
		}
	}
}

// writeRecord writes the record of item idx on day d.
func writeRecord(w *recordWriter, d *day, idx int, it *item) {
	count := dailyCount(d.date, idx, it)
	originE4 := count * it.priceE4
	cents := (originE4 + 50) / 100 // half-up; amounts are never negative

	w.begin()
	w.str("consumeTimeOfDay", d.date)
	w.str("orgName", "None")
	w.str("productName", "dataFlux")
	w.str("productDetail", it.detail)
	w.str("billingCycle", "Day")
	w.key("billingResult")
	if it.stringTotal {
		w.buf = append(w.buf, '"')
		w.buf = appendCents(w.buf, cents)
		w.buf = append(w.buf, '"')
	} else {
		w.buf = appendCents(w.buf, cents)
	}
	if d.odd {
		w.str("deductionAmount", "None")
		w.str("oweAmount", "None")
	} else {
		w.raw("deductionAmount", "0")
		w.raw("oweAmount", "0")
	}
	w.key("originAmount")
	w.buf = appendE4(w.buf, originE4)
	w.str("serviceBillingAmount", "None")
	if it.byCoupon {
		w.cents("couponAmount", cents)
		w.raw("storedCardAmount", "0")
		w.raw("cashAmount", "0")
	} else {
		w.raw("couponAmount", "0")
		w.raw("storedCardAmount", "0")
		w.cents("cashAmount", cents)
	}
	w.raw("cashCouldAmount", it.cashCould)
	w.str("commodityCategory", "pay-as-you-go")
	w.str("consumePlatform", it.platform)
	w.str("customerIdentifier", "None")
	w.str("consumption", "None")
	if it.workspace == "" {
		w.str("workspaceUuid", WorkspaceUUID)
		w.str("workspaceName", WorkspaceName)
	} else {
		w.str("workspaceUuid", it.workspace)
		w.str("workspaceName", it.wsName)
	}
	w.str("consumeTime", d.consumeTime)
	if d.billingKey {
		w.str("billingKey", it.measurement)
	} else {
		w.str("tag6", it.measurement)
	}
	w.str("billingResultDetails", "None")
	w.key("count")
	w.buf = strconv.AppendInt(w.buf, count, 10)
	w.end()
}

// writeExampleRecord writes the record shown as the example answer in the
// official API documentation, dated d.
func writeExampleRecord(w *recordWriter, d *day) {
	w.begin()
	w.str("consumeTimeOfDay", d.date)
	w.str("orgName", "None")
	w.str("productName", "None")
	w.str("productDetail", "Session Replay")
	w.str("billingCycle", "None")
	w.raw("billingResult", "0")
	w.str("deductionAmount", "None")
	w.str("oweAmount", "None")
	w.raw("originAmount", "0")
	w.str("serviceBillingAmount", "None")
	w.raw("couponAmount", "0")
	w.raw("storedCardAmount", "0")
	w.raw("cashAmount", "0")
	w.str("cashCouldAmount", "None")
	w.str("commodityCategory", "None")
	w.str("consumePlatform", "None")
	w.str("customerIdentifier", "None")
	w.str("consumption", "None")
	w.str("workspaceUuid", WorkspaceUUID)
	w.str("workspaceName", WorkspaceName)
	w.str("consumeTime", d.consumeTime)
	w.str("tag6", "session_replay")
	w.str("billingResultDetails", "None")
	w.raw("count", "0")
	w.end()
}

// recordWriter appends records as JSON text. In the default mode it writes a
// comma-separated sequence of objects into buf (the served body); with
// collect set it instead turns each record into a Record whose values are
// slices of the very bytes written, so Records and the served body cannot
// disagree.
type recordWriter struct {
	buf     []byte
	collect bool
	records []Record

	n       int    // records begun
	first   bool   // no field written yet in the current record
	cur     Record // collect mode: fields of the current record
	pending string // collect mode: name of the field being written
	start   int    // collect mode: offset of the pending field's value
}

func (w *recordWriter) begin() {
	if w.n > 0 && !w.collect {
		w.buf = append(w.buf, ',')
	}
	w.n++
	w.buf = append(w.buf, '{')
	w.first = true
	if w.collect {
		w.cur = make(Record, 0, 24)
	}
}

func (w *recordWriter) end() {
	w.closeField()
	w.buf = append(w.buf, '}')
	if w.collect {
		w.records = append(w.records, w.cur)
		w.cur = nil
		w.buf = w.buf[len(w.buf):] // keep the bytes the values point to
	}
}

// key starts a field; its value is appended to buf next.
func (w *recordWriter) key(name string) {
	w.closeField()
	if !w.first {
		w.buf = append(w.buf, ',')
	}
	w.first = false
	w.buf = append(w.buf, '"')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, '"', ':')
	if w.collect {
		w.pending = name
		w.start = len(w.buf)
	}
}

func (w *recordWriter) closeField() {
	if w.collect && w.pending != "" {
		end := len(w.buf)
		w.cur = append(w.cur, Field{Name: w.pending, Value: json.RawMessage(w.buf[w.start:end:end])})
		w.pending = ""
	}
}

// str writes a string field; v must need no JSON escaping.
func (w *recordWriter) str(name, v string) {
	w.key(name)
	w.buf = append(w.buf, '"')
	w.buf = append(w.buf, v...)
	w.buf = append(w.buf, '"')
}

// raw writes a field whose value is the given JSON text.
func (w *recordWriter) raw(name, v string) {
	w.key(name)
	w.buf = append(w.buf, v...)
}

// cents writes an amount given in cents as a JSON number.
func (w *recordWriter) cents(name string, v int64) {
	w.key(name)
	w.buf = appendCents(w.buf, v)
}

// appendCents appends an amount in cents: "1234.50", or "1234" when whole.
func appendCents(b []byte, v int64) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/100, 10)
	if frac := v % 100; frac != 0 {
		b = append(b, '.', byte('0'+frac/10), byte('0'+frac%10))
	}
	return b
}

// appendE4 appends an amount in 1/10000 units with up to four decimals,
// trailing zeros dropped: "1722.4512", "86.4", "12".
func appendE4(b []byte, v int64) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/10000, 10)
	frac := v % 10000
	if frac == 0 {
		return b
	}
	digits := [4]byte{byte('0' + frac/1000), byte('0' + frac/100%10), byte('0' + frac/10%10), byte('0' + frac%10)}
	n := 4
	for digits[n-1] == '0' {
		n--
	}
	b = append(b, '.')
	return append(b, digits[:n]...)
}

// periodContent returns the JSON list served for the inclusive day range.
func periodContent(items []item, from, to int) []byte {
	days := to - max(from, firstDay) + 1
	w := &recordWriter{}
	if days > 0 {
		w.buf = make([]byte, 0, days*len(items)*660+1024)
	}
	w.buf = append(w.buf, '[')
	writePeriod(w, items, from, to)
	w.buf = append(w.buf, ']')
	return w.buf
}
