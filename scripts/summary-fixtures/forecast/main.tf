terraform {
  required_providers {
    guance = {
      source = "guance-finops/guance"
    }
  }
}

data "guance_billing_forecast" "march" {
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
  as_of      = "2024-03-15"
}

# The same days as the forecast has read: one chart for both.
data "guance_billing_details" "march_so_far" {
  start_date      = "2024-03-01"
  end_date        = "2024-03-15"
  include_records = false
}
