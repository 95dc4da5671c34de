package domain

import (
	"fmt"

	"github.com/bokfor/bokfor/internal/money"
)

// RateScale is the scale of conversion rates: a rate r is stored as r × 10^6.
const RateScale = 1_000_000

// VATRate is a VAT rate in basis points (1/100 of a percent): 2500 is 25 %.
type VATRate int

// Common Norwegian VAT rates (MVA).
const (
	// VAT25 is the general rate, 25 %.
	VAT25 VATRate = 2500
	// VAT15 is the food rate, 15 %.
	VAT15 VATRate = 1500
	// VAT12 is the low rate (transport, hotels, cinema), 12 %.
	VAT12 VATRate = 1200
	// VAT0 is zero-rated or exempt, 0 %.
	VAT0 VATRate = 0
)

// ParseVATRate reads a percentage such as "25", "25.000" or "12.5" into
// basis points, rounding half away from zero.
func ParseVATRate(s string) (VATRate, error) {
	v, err := money.ParseUnits(s, 2)
	if err != nil {
		return 0, fmt.Errorf("domain: vat rate %q: %w", s, err)
	}
	return VATRate(v), nil
}

// String formats the rate as a percentage, "25%" or "12.5%".
func (r VATRate) String() string {
	if r%100 == 0 {
		return fmt.Sprintf("%d%%", int(r)/100)
	}
	s := fmt.Sprintf("%d.%02d", int(r)/100, int(r)%100)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	return s + "%"
}

// VATOf returns the VAT contained in a tax-included amount at rate r,
// rounded half away from zero: incl × r / (10000 + r).
func VATOf(incl money.Ore, r VATRate) money.Ore {
	return money.MulRate(incl, int64(r), 10000+int64(r))
}

// ConversionRate is a currency conversion rate scaled by RateScale: the
// number of order-currency units per one unit of the shop's default
// currency, as PrestaShop stores it (1.000000 for the default currency).
type ConversionRate int64

// ParseConversionRate reads a decimal string such as "1.000000" or
// "0.085123" into a ConversionRate.
func ParseConversionRate(s string) (ConversionRate, error) {
	v, err := money.ParseUnits(s, 6)
	if err != nil {
		return 0, fmt.Errorf("domain: conversion rate %q: %w", s, err)
	}
	return ConversionRate(v), nil
}

// String formats the rate with six decimals, "1.000000".
func (c ConversionRate) String() string {
	v := int64(c)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%06d", sign, v/RateScale, v%RateScale)
}

// ToDefault converts an amount in the order currency into the shop's default
// currency (amount / rate), rounding half away from zero. A zero rate
// returns the amount unchanged.
func (c ConversionRate) ToDefault(o money.Ore) money.Ore {
	if c <= 0 {
		return o
	}
	return money.MulRate(o, RateScale, int64(c))
}
