package demo

import (
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/issuer"
)

// Operator is the operator's identity as the partner manual prints it
// (the bank account number is not printed there; this one is made up). The
// support numbers and contact page are those of the manual's voucher; it
// prints no support hours.
var Operator = issuer.Identity{
	NameJA: "デジサート・ジャパン合同会社", NameEN: "DigiCert Japan G.K.",
	PostalCode: "104-0061", AddressJA: "東京都中央区銀座6-10-1 GINZA SIX 8階",
	AddressEN: "GINZA SIX 8F, 6-10-1 Ginza, Chuo-ku, Tokyo", Phone: "03-4560-3971", Fax: "03-6756-9881",
	RegistrationNumber: "T8010001078218", BankName: "三井住友銀行", BankBranch: "ツバキ支店", BankBranchNumber: "879",
	AccountType: "current", AccountNumber: "0012345", AccountHolder: "デジサートジャパン(ド)",
	SalesMailingList: "DL-TSS-SSL-Partner@digicert.com",
	SupportPhones:    []string{"0120-707-637", "03-4578-1368"},
	SupportURL:       "https://www.digicert.com/jp/contact-us/",
}

func ssl(code, ja, en, kind string, wildcards bool) catalog.Product {
	return catalog.Product{Code: code, NameJA: ja, NameEN: en, Kind: kind, TakesFQDNs: true,
		TakesWildcards: wildcards, MaxYears: 6, Active: true}
}

// Products are the products the manual names.
var Products = []catalog.Product{
	ssl("ssl_global_server_id", "デジサート グローバル・サーバID", "DigiCert Global Server ID", "ov", true),
	ssl("ssl_global_server_id_ev", "デジサート グローバル・サーバID EV", "DigiCert Global Server ID EV", "ev", false),
	ssl("ssl_global_server_id_wildcard", "デジサート グローバル・サーバID ワイルドカード", "DigiCert Global Server ID Wildcard", "ov", true),
	ssl("ssl_secure_server_id", "デジサート セキュア・サーバID", "DigiCert Secure Server ID", "ov", true),
	ssl("ssl_secure_server_id_ev", "デジサート セキュア・サーバID EV", "DigiCert Secure Server ID EV", "ev", false),
	ssl("ssl_secure_server_id_wildcard", "デジサート セキュア・サーバID ワイルドカード", "DigiCert Secure Server ID Wildcard", "ov", true),
	ssl("ssl_standard_server_id", "デジサート スタンダード・サーバID", "DigiCert Standard Server ID", "ov", true),
	ssl("ssl_standard_server_id_ev", "デジサート スタンダード・サーバID EV", "DigiCert Standard Server ID EV", "ev", false),
	ssl("ssl_standard_server_id_wildcard", "デジサート スタンダード・サーバID ワイルドカード", "DigiCert Standard Server ID Wildcard", "ov", true),
	ssl("ssl_basic_ov", "Basic OV", "Basic OV", "ov", true),
	ssl("ssl_basic_ev", "Basic EV", "Basic EV", "ev", false),
	ssl("ssl_geotrust_dv", "GeoTrust DV SSL", "GeoTrust DV SSL", "dv", true),
	ssl("ssl_geotrust_truebizid_ev", "GeoTrust TrueBusiness ID EV", "GeoTrust TrueBusiness ID EV", "ev", false),
	ssl("ssl_securesite_ev", "Secure Site EV", "Secure Site EV", "ev", false),
	ssl("ssl_securesite_pro", "Secure Site Pro SSL", "Secure Site Pro SSL", "ov", true),
	ssl("ssl_geotrust_flex_dv_wildcard", "GeoTrust Flex DV Wildcard SAN", "GeoTrust Flex DV Wildcard SAN", "dv", true),
	{Code: "code_signing", NameJA: "コードサイニング証明書", NameEN: "Code Signing", Kind: "code_signing", MaxYears: 3, Active: true},
	{Code: "ev_code_signing", NameJA: "EV コードサイニング証明書", NameEN: "EV Code Signing", Kind: "ev_code_signing", ShipsToken: true, MaxYears: 3, Active: true},
	{Code: "hardware_token", NameJA: "ハードウェアトークン", NameEN: "Hardware token", Kind: "hardware_token", ShipsToken: true, MaxYears: 1, Active: true},
}

// PriceRow is one row of the demo price table: a product code, years, list
// price, discount (basis points) and the prices; Base 0 means list ×
// (1 − discount) rounded down.
type PriceRow struct {
	Code             string
	Years            int
	List             int64
	DiscountBP       int
	Base, FQDN, Wild int64
}

// PriceTable is the manual's price table: the list prices of STEP 1 (its
// third column read as the discount in percent), the Global Server ID
// offer of ¥995 used in the manual's order examples, and the "アカウント価格"
// page's figures for the other products.
var PriceTable = []PriceRow{
	{"ssl_global_server_id", 1, 138000, 9928, 995, 995, 5000},
	{"ssl_global_server_id", 2, 262200, 9928, 1890, 1890, 9500},
	{"ssl_global_server_id", 3, 379500, 9928, 2690, 2690, 13500},
	{"ssl_global_server_id_ev", 1, 219000, 3000, 0, 153300, 0},
	{"ssl_global_server_id_ev", 2, 416100, 3000, 0, 291270, 0},
	{"ssl_global_server_id_ev", 3, 602250, 3000, 0, 421575, 0},
	{"ssl_global_server_id_wildcard", 1, 681000, 3000, 0, 96600, 476700},
	{"ssl_secure_server_id", 1, 162000, 3000, 0, 113400, 340200},
	{"ssl_secure_server_id_ev", 1, 162000, 3000, 0, 113400, 0},
	{"ssl_standard_server_id", 1, 115200, 3000, 0, 80640, 241920},
	{"ssl_standard_server_id_ev", 1, 115200, 3000, 0, 51100, 0},
	{"ssl_basic_ov", 1, 17600, 0, 17600, 26400, 93120},
	{"ssl_basic_ov", 2, 24800, 0, 24800, 52000, 168960},
	{"ssl_geotrust_dv", 1, 9440, 0, 9440, 15600, 83280},
	{"ssl_geotrust_dv", 2, 15440, 0, 15440, 28400, 146800},
	{"ssl_basic_ev", 1, 33760, 0, 33760, 58400, 0},
	{"ssl_basic_ev", 2, 54080, 0, 54080, 107200, 0},
	{"ssl_geotrust_truebizid_ev", 1, 33760, 0, 33760, 58400, 0},
	{"ssl_geotrust_truebizid_ev", 2, 54080, 0, 54080, 107200, 0},
	{"ssl_securesite_ev", 2, 129600, 0, 129600, 129600, 0},
	{"ssl_securesite_ev", 3, 252000, 0, 252000, 252000, 0},
	{"code_signing", 1, 72000, 0, 72000, 0, 0},
	{"code_signing", 2, 129600, 0, 129600, 0, 0},
	{"code_signing", 3, 201600, 0, 201600, 0, 0},
	{"ev_code_signing", 1, 107200, 0, 107200, 0, 0},
	{"ev_code_signing", 2, 187200, 0, 187200, 0, 0},
	{"ev_code_signing", 3, 268000, 0, 268000, 0, 0},
	{"hardware_token", 1, 20000, 0, 20000, 0, 0},
}
