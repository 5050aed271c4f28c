terraform {
  required_providers {
    guance = {
      source = "guance-finops/guance"
    }
  }
}

# The month's guard beside a year's trend: the month's budget applies to the month only.
module "guard" {
  source = "../cost-guard"
  as_of  = "2024-03-31"
}

data "guance_billing_details" "year" {
  start_date      = "2023-04-01"
  end_date        = "2024-03-31"
  include_records = false
}
