# The token is read from GUANCE_ACCESS_TOKEN when access_token is not set; never commit it.
provider "guance" {
  region = "hangzhou" # or a site code such as cn1; see the table of sites
}
