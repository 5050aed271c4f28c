// Package guancesim is an in-process fake of the parts of the Guance Cloud
// OpenAPI that the billing provider reads.
//
// It is used by unit and acceptance tests, by a fault soak, by benchmarks and,
// through cmd/guancesim, as a standalone server for demos. It uses only the
// standard library.
//
// # Endpoints
//
//   - GET /api/v1/validate: content true.
//   - GET /api/v1/billing/detail/list?startDate=YYYYMMDD&endDate=YYYYMMDD:
//     the billing records of the inclusive period (see Records).
//   - GET /api/v1/billing/balance/get: the balance set with SetBalance.
//
// Every answer is the Guance envelope
//
//	{"code":200,"content":...,"errorCode":"","message":"","success":true,"traceId":"TRACE-..."}
//
// whose code mirrors the HTTP status. Every request must carry the header
// DF-API-KEY equal to Options.Token, otherwise the answer is HTTP 403
// ft.InvalidAPIKey. Unknown paths answer 404 ft.NotFound.
//
// # Data
//
// The served data is a pure function of the period and Options.RecordsPerDay,
// so tests can compute exact expectations with Records. The workspace exists
// from 2023-01-01: earlier days have no records. Each day serves the catalogue
// products (Log, Metric, APM Trace, RUM PV, Session Replay, Synthetic Test,
// Security Check, Data Forward) in that order, followed by synthetic
// "Custom Item NNNN" items when RecordsPerDay > 8. The usage count of an item
// on a day is derived from FNV-1a (64 bit) of "YYYY-MM-DD|i" (i = 0-based item
// index, decimal), mapped into the item's count range:
//
//	count = minCount + hash % (maxCount - minCount + 1)
//
// originAmount = count × unit price (exact, up to 4 decimals) and
// billingResult = originAmount rounded half-up to cents. All arithmetic is done
// on integers, and amounts are written as exact decimal text.
//
// The records reproduce the quirks of real answers: "None" strings for absent
// values, Log's billingResult sent as a JSON string, cashCouldAmount sent as
// null or "", tag6 (before 2024) versus billingKey (from 2024-01-01), and on
// 2023-07-31 the official example record from the API documentation served
// before the regular ones. See Records for the full rules.
//
// # Faults
//
// InjectFault queues faults for the next billing requests and SetFaultRate
// faults a deterministic pseudo-random share of them; see FaultKind for what
// each fault looks like on the wire. Options.RateLimit enables an exact
// sliding-window rate limiter per API key.
package guancesim
