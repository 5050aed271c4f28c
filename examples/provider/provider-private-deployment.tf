# A private deployment: endpoint replaces the region's URL. It must be https://, unless it is
# a loopback address, so that the token never crosses a network in clear text.
provider "guance" {
  endpoint = "https://guance-openapi.example.internal"
}
