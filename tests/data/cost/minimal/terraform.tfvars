project     = "cinema"
environment = "dev"
