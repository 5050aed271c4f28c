variable "region" {
  description = "The workspace's site, a region name or site code such as \"hangzhou\"; null (the default) reads GUANCE_REGION or GUANCE_ENDPOINT."
  type        = string
  default     = null
}

variable "currency" {
  description = "The ISO 4217 code of the currency the site bills in. The Hangzhou site bills in CNY; state your own site's."
  type        = string
  default     = "CNY"
}

variable "monthly_budget" {
  description = "The most the workspace may spend in a calendar month, in currency."
  type        = number
  default     = 100000
}

variable "as_of" {
  description = "The billing day to guard as of, YYYY-MM-DD; null (the default) is the plan's own billing day."
  type        = string
  default     = null
}

variable "billing_time_zone" {
  description = "The time zone whose calendar day is the billing day: a UTC offset or an IANA zone name."
  type        = string
  default     = "+08:00"
}
