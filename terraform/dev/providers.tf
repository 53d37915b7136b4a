# Tags come from the composition (every resource gets them explicitly), not default_tags.
provider "aws" {
  region = var.region
}
