# The year so far, totals only. With include_records = false, records is null and every total
# is still exact, so a plan over a long period stays quick and its state small.
locals {
  year = provider::guance::billing_period("year_to_date", plantimestamp())
}

data "guance_billing_details" "year" {
  start_date      = local.year.start_date
  end_date        = local.year.end_date
  include_records = false
}

output "year_to_date_total" {
  value = data.guance_billing_details.year.total_billing_result
}

output "year_to_date_by_product" {
  value = data.guance_billing_details.year.totals_by_product
}
