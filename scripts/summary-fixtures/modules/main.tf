terraform {
  required_providers {
    guance = {
      source = "guance-finops/guance"
    }
  }
}

module "payments" {
  source         = "../cost-guard"
  as_of          = "2024-02-29"
  monthly_budget = 75000
  currency       = "CNY"
}

module "search" {
  source   = "../cost-guard"
  as_of    = "2024-04-30"
  currency = "CNY"
}
