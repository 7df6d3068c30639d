// Package demo loads the demo data that `portal demo` and `make run` put
// into an empty database: the operator's staff (one per role) and two
// partners, each with an Administrator, a Finance Manager and a Standard User.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/postgres"
)

// Password is every demo user's password (printed by `portal demo`).
const Password = "ccp-demo-2026"

// ErrNotEmpty is returned when the database already holds users.
var ErrNotEmpty = errors.New("demo: the database is not empty; demo data goes only into an empty one")

// ErrAlreadyLoaded is returned when the database already holds the demo
// data: every demo login exists. It wraps ErrNotEmpty.
var ErrAlreadyLoaded = fmt.Errorf("demo: the demo data is already loaded (%w)", ErrNotEmpty)

// Person is a demo login.
type Person struct {
	Username string
	Name     string
	Email    string
	Language string
	Roles    []auth.Role
}

// Company is a demo partner and its users.
type Company struct {
	Name  string
	Users []Person
}

// Staff are the operator's demo staff, one per role.
var Staff = []Person{
	{"op-admin", "Operator Admin", "op-admin@operator.example", "en", []auth.Role{auth.RoleOpAdmin}},
	{"op-sales", "佐藤 花子", "op-sales@operator.example", "ja", []auth.Role{auth.RoleSales}},
	{"op-delivery", "鈴木 一郎", "op-delivery@operator.example", "ja", []auth.Role{auth.RoleDelivery}},
	{"op-validation", "Validation Staff", "op-validation@operator.example", "en", []auth.Role{auth.RoleValidation}},
	{"op-finance", "高橋 美咲", "op-finance@operator.example", "ja", []auth.Role{auth.RoleFinance}},
}

// EndUser is the demo's end user (a subscriber, signing in at
// /secure/login with Password): a customer of Acme's who redeems its
// voucher codes. It is not a staff login, so Usernames leaves it out;
// app.LoadDemo creates it, verified, with the demo's history.
var EndUser = Person{Name: "中村 優子", Email: "enduser@example.jp", Language: "ja"}

// Partners are the demo partners.
var Partners = []Company{
	{"Acme Corporation", partnerUsers("acme", "Acme")},
	{"Globex Japan K.K.", partnerUsers("globex", "Globex")},
}

func partnerUsers(prefix, company string) []Person {
	return []Person{
		{prefix + "-admin", company + " Administrator", prefix + "-admin@" + prefix + ".example", "en", []auth.Role{auth.RoleAdmin}},
		{prefix + "-finance", company + " Finance", prefix + "-finance@" + prefix + ".example", "en", []auth.Role{auth.RoleFinanceManager}},
		{prefix + "-user", company + " User", prefix + "-user@" + prefix + ".example", "en", []auth.Role{auth.RoleStandard}},
	}
}

// Load writes the demo data in one transaction: staff, the operator's
// identity, the catalogue, and the partners with their users, contract and
// price table, every user with the
// argon2id hash of Password given in passwordHash. It returns
// ErrAlreadyLoaded if every demo login already exists, and ErrNotEmpty if
// the database has other users.
func Load(ctx context.Context, db postgres.DB, now time.Time, passwordHash string) error {
	return postgres.InTx(ctx, db, func(q postgres.Querier) error {
		var users int
		if err := q.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&users); err != nil {
			return err
		}
		if users > 0 {
			return alreadyLoaded(ctx, q)
		}
		staff := map[string]int64{}
		for _, p := range Staff {
			id, err := insertUser(ctx, q, p, 0, now, passwordHash)
			if err != nil {
				return err
			}
			staff[p.Username] = id
		}
		if err := issuer.Put(ctx, q, Operator, now); err != nil {
			return err
		}
		if err := catalog.Insert(ctx, q, now, Products); err != nil {
			return err
		}
		for i, c := range Partners {
			if err := loadPartner(ctx, q, i, c, now, passwordHash, staff["op-sales"]); err != nil {
				return fmt.Errorf("demo partner %s: %w", c.Name, err)
			}
		}
		return nil
	})
}

// alreadyLoaded tells a database holding the demo data (ErrAlreadyLoaded)
// from one holding other users (ErrNotEmpty).
func alreadyLoaded(ctx context.Context, q postgres.Querier) error {
	names := Usernames()
	var found int
	if err := q.QueryRow(ctx, `SELECT count(*) FROM users WHERE username = ANY ($1)`, names).Scan(&found); err != nil {
		return err
	}
	if found == len(names) {
		return ErrAlreadyLoaded
	}
	return ErrNotEmpty
}

func loadPartner(ctx context.Context, q postgres.Querier, i int, c Company, now time.Time, hash string, sales int64) error {
	var id int64
	if err := q.QueryRow(ctx, `INSERT INTO partners (name, country, created_at) VALUES ($1, 'JP', $2) RETURNING id`, c.Name, now).Scan(&id); err != nil {
		return err
	}
	for _, p := range c.Users {
		if _, err := insertUser(ctx, q, p, id, now, hash); err != nil {
			return err
		}
	}
	if _, err := q.Exec(ctx, `INSERT INTO management_groups (partner_id, name, created_at) VALUES ($1, $2, $3)`, id, c.Name, now); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `INSERT INTO payment_settings (partner_id, allowed_methods, default_method, updated_at)
		VALUES ($1, '{account_balance}', 'account_balance', $2)`, id, now); err != nil {
		return err
	}
	if err := loadContract(ctx, q, id, contractTerms[i], now, sales); err != nil {
		return err
	}
	if i == 0 { // Acme has confirmed its billing contact and consented to proxy delivery.
		return loadAcmeSettings(ctx, q, id, now, sales)
	}
	return nil
}

func insertUser(ctx context.Context, q postgres.Querier, p Person, partnerID int64, now time.Time, hash string) (int64, error) {
	var pid *int64
	if partnerID != 0 {
		pid = &partnerID
	}
	var id int64
	err := q.QueryRow(ctx, `
		INSERT INTO users (username, email, display_name, password_hash, language, partner_id, roles, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, p.Username, p.Email, p.Name, hash, p.Language, pid, p.Roles, now).Scan(&id)
	return id, err
}

// Usernames lists every demo login, operator staff first.
func Usernames() []string {
	var out []string
	for _, p := range Staff {
		out = append(out, p.Username)
	}
	for _, c := range Partners {
		for _, p := range c.Users {
			out = append(out, p.Username)
		}
	}
	return out
}

// Actor returns the demo login username as an actor with its roles, for
// the tests of domain actions: its user id and its partner's are the ones
// Load gives in a new database (users and partners numbered from 1 in
// the order of Staff and Partners). It panics on an unknown username.
func Actor(username string) auth.Actor {
	id := int64(0)
	principal := func(p Person, partnerID int64, partner string) auth.Actor {
		return auth.Actor{Principal: &auth.Principal{UserID: id, Username: p.Username, DisplayName: p.Name, Email: p.Email,
			PartnerID: partnerID, PartnerName: partner, Roles: p.Roles, Language: p.Language}}
	}
	for _, p := range Staff {
		if id++; p.Username == username {
			return principal(p, 0, "")
		}
	}
	for i, c := range Partners {
		for _, p := range c.Users {
			if id++; p.Username == username {
				return principal(p, int64(i+1), c.Name)
			}
		}
	}
	panic("demo: no login " + username)
}
