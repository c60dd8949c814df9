"""Where the native API lives."""

PREFIX = "/contactbook/v1"
