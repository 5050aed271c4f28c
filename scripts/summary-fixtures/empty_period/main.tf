terraform {
  required_providers {
    guance = {
      source = "guance-finops/guance"
    }
  }
}

# December 2022, before the simulated workspace existed: nothing was billed.
data "guance_billing_details" "december" {
  start_date      = "2022-12-01"
  end_date        = "2022-12-31"
  include_records = false
}
