package postgres

import "reflect"

var (
	dbType      = reflect.TypeFor[DB]()
	querierType = reflect.TypeFor[Querier]()
)

// Rebind returns a copy of the store s with every exported DB or Querier
// field bound to q (the caller's transaction), and so, recursively, every
// store it holds: a store bound to a transaction can then never reach the
// pool through one of its parts, which would take a second connection and
// deadlock once every connection waits on a row lock. Stores that several
// parts share stay shared in the copy. Other fields (the clock, the i18n
// bundle) are copied as they are.
func Rebind[T any](s *T, q Querier) *T {
	return rebind(reflect.ValueOf(s), Bind(q), map[uintptr]reflect.Value{}).Interface().(*T)
}

// rebind copies the struct p points at with its database fields set to db.
func rebind(p reflect.Value, db DB, done map[uintptr]reflect.Value) reflect.Value {
	if c, ok := done[p.Pointer()]; ok {
		return c
	}
	c := reflect.New(p.Elem().Type())
	c.Elem().Set(p.Elem())
	done[p.Pointer()] = c
	bindFields(c.Elem(), db, done)
	return c
}

func bindFields(v reflect.Value, db DB, done map[uintptr]reflect.Value) {
	for i := range v.NumField() {
		f, sf := v.Field(i), v.Type().Field(i)
		if !sf.IsExported() {
			continue
		}
		switch {
		case sf.Type == dbType || sf.Type == querierType:
			f.Set(reflect.ValueOf(db))
		case sf.Type.Kind() == reflect.Pointer && !f.IsNil() && holdsDB(sf.Type.Elem(), nil):
			f.Set(rebind(f, db, done))
		case sf.Type.Kind() == reflect.Struct && holdsDB(sf.Type, nil):
			bindFields(f, db, done)
		}
	}
}

// holdsDB reports whether a struct of type t reaches a database field
// through its exported fields.
func holdsDB(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t.Kind() != reflect.Struct || seen[t] {
		return false
	}
	if seen == nil {
		seen = map[reflect.Type]bool{}
	}
	seen[t] = true
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		ft := sf.Type
		if ft == dbType || ft == querierType {
			return true
		}
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if holdsDB(ft, seen) {
			return true
		}
	}
	return false
}
