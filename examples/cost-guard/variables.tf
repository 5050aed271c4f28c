variable "monthly_budget" {
  description = "The most the workspace may spend in a calendar month, in the site's currency. A plan is blocked when the month so far costs more."
  type        = number
  default     = 100000

  validation {
    condition     = var.monthly_budget > 0
    error_message = "monthly_budget must be a positive amount, got ${var.monthly_budget}."
  }
}

variable "product_budgets" {
  description = "Monthly budgets per billed item, in the site's currency, keyed by product_detail (such as \"Log\"). Items left out have no budget of their own."
  type        = map(number)
  default = {
    "Log"            = 50000
    "Session Replay" = 10000
  }

  validation {
    condition     = alltrue([for budget in values(var.product_budgets) : budget > 0])
    error_message = "Every product budget must be a positive amount."
  }
}

variable "warn_at_ratio" {
  description = "The share of a budget at which the plan warns (through a check block) without being blocked: 0.8 warns from 80%."
  type        = number
  default     = 0.8

  validation {
    condition     = var.warn_at_ratio > 0 && var.warn_at_ratio <= 1
    error_message = "warn_at_ratio must be more than 0 and at most 1, got ${var.warn_at_ratio}."
  }
}

variable "balance_floor" {
  description = "The least the account may hold, in the site's currency, across cash, coupons and stored-value cards. A plan is blocked when the balance is lower."
  type        = number
  default     = 5000
}

variable "currency" {
  description = "The ISO 4217 code of the currency the workspace's site bills in, such as \"CNY\", printed after every amount in the messages. The API reports no currency, so the module does not guess one: \"\" (the default) prints amounts bare."
  type        = string
  default     = ""
  nullable    = false

  validation {
    condition     = can(regex("^([A-Z]{3})?$", var.currency))
    error_message = "currency must be an ISO 4217 code of three capital letters, such as \"CNY\" or \"USD\", or \"\" to print amounts bare; got \"${var.currency}\"."
  }
}

variable "as_of" {
  description = "The last day of the month-to-date period, as YYYY-MM-DD: a billing day. Null (the default) means the billing day the plan runs on (in billing_time_zone); set it to guard or replay a past month."
  type        = string
  default     = null

  validation {
    condition     = var.as_of == null || can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", var.as_of)) && can(formatdate("YYYY-MM-DD", "${var.as_of}T00:00:00Z"))
    error_message = "as_of must be a date as YYYY-MM-DD, such as 2024-03-15, and a real calendar day."
  }
}

variable "billing_time_zone" {
  description = "The time zone whose calendar day is the billing day, as a UTC offset (\"+08:00\") or an IANA zone name (\"UTC\"). Guance's China sites bill by China Standard Time, +08:00."
  type        = string
  default     = "+08:00"
}

variable "forecast_lookback_days" {
  description = "How many of the last complete days the forecast's run rate averages, and the latest day is compared with."
  type        = number
  default     = 7

  validation {
    condition     = var.forecast_lookback_days >= 1 && floor(var.forecast_lookback_days) == var.forecast_lookback_days
    error_message = "forecast_lookback_days must be a whole number of days, at least 1, got ${var.forecast_lookback_days}."
  }
}

variable "spike_ratio" {
  description = "How many times the daily mean of the days before it the latest complete day may cost before the plan warns: 3 warns when yesterday cost more than three times the recent mean."
  type        = number
  default     = 3

  validation {
    condition     = var.spike_ratio > 0
    error_message = "spike_ratio must be more than 0, got ${var.spike_ratio}."
  }
}
