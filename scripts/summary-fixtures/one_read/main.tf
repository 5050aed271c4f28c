terraform {
  required_providers {
    guance = {
      source = "guance-finops/guance"
    }
  }
}

data "guance_billing_details" "march" {
  start_date      = "2024-03-01"
  end_date        = "2024-03-14"
  include_records = false
}
