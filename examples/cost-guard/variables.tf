variable "name" {
  description = "A label for the budget, in its messages and in the cost summary; null (the default) for none."
  type        = string
  default     = null
}

variable "monthly_budget" {
  description = "The budget for the calendar month, in the currency the site bills in; null for product budgets only."
  type        = number
  default     = 100000
}

variable "product_budgets" {
  description = "Monthly budgets per billed item, keyed by product_detail (such as \"Log\"), judged by the same thresholds. A key no item was billed under is warned of, with the nearest billed names."
  type        = map(number)
  default = {
    "Log"            = 50000
    "Session Replay" = 10000
  }
}

variable "thresholds" {
  description = "When a budget calls for action: each fires when its basis (\"actual\", what the month has cost; \"forecast\", where the run rate takes it) reaches percent% of the budget, and its action is \"warn\" (a check block warns) or \"block\" (the plan fails). The default warns at 80% of the actual and at 100% of the forecast, and blocks at 100% of the actual."
  type = list(object({
    percent = number
    basis   = string
    action  = string
  }))
  default = [
    { percent = 80, basis = "actual", action = "warn" },
    { percent = 100, basis = "forecast", action = "warn" },
    { percent = 100, basis = "actual", action = "block" },
  ]
}

variable "daily_limits" {
  description = "Limits per product_detail on the latest complete day's bill, as the Guance console's alert on one billed item's daily bill: a product whose day cost more is a finding of daily_limit_action."
  type        = map(number)
  default     = {}
}

variable "daily_limit_action" {
  description = "What a product over its daily limit calls for: \"warn\" (the default) or \"block\"."
  type        = string
  default     = "warn"
}

variable "min_runway_days" {
  description = "The fewest days the account balance must last at the recent run rate; fewer blocks the plan. Null (the default) reads no balance."
  type        = number
  default     = null
}

variable "as_of" {
  description = "The last complete billing day to judge, as YYYY-MM-DD; its month is the budget's period. Null (the default) means yesterday's billing day (in billing_time_zone), the month of the plan's own day; set it to guard or replay a past month."
  type        = string
  default     = null
}

variable "billing_time_zone" {
  description = "The time zone whose calendar day is the billing day, as a UTC offset (\"+08:00\") or an IANA zone name (\"UTC\"). Guance's China sites bill by China Standard Time, +08:00."
  type        = string
  default     = "+08:00"
}

variable "forecast_lookback_days" {
  description = "How many of the last complete days the forecast's run rate averages."
  type        = number
  default     = 7
}
