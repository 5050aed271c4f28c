# Only the billed items that matter here: records and every total cover the kept records
# alone. The provider filters what the API sent (the API has no filter), so the filters
# shrink the plan and the state, not the request; both reads below share one request.
data "guance_billing_details" "observability" {
  start_date      = "2024-03-01"
  end_date        = "2024-03-31"
  product_details = ["Log", "Metric", "APM Trace"]
}

# By measurement, the API's billing key (tag6 or billingKey), without the records.
data "guance_billing_details" "logging" {
  start_date      = "2024-03-01"
  end_date        = "2024-03-31"
  measurements    = ["logging"]
  include_records = false
}

output "observability_total" {
  value = data.guance_billing_details.observability.total_billing_result
}

output "observability_products_billed" {
  value = distinct([for r in data.guance_billing_details.observability.records : r.product_detail])
}

output "logging_total" {
  value = data.guance_billing_details.logging.total_billing_result
}
