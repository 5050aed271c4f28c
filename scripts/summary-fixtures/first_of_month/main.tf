terraform {
  required_providers {
    guance = {
      source = "guance-finops/guance"
    }
  }
}

# Planned on 2024-03-01: the last complete billing day is in February, so no day of March has
# elapsed. The budget decides ok, with no forecast, percentage or change.
data "guance_billing_budget" "march" {
  start_date      = "2024-03-01"
  end_date        = "2024-03-31"
  as_of           = "2024-02-29"
  amount          = 100000
  min_runway_days = 30
}

data "guance_billing_forecast" "march" {
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
  as_of      = "2024-02-29"
}
