package tfstate

import (
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Value is a node of a state tree: null, a string, a number as exact decimal text, an object
// or map of attributes, a list, a list of rows made cell by cell, or a value as the
// configuration gave it.
type Value struct {
	kind  kind
	text  string           // a string, or a number's decimal text
	attrs map[string]Value // an object's or a map's attributes
	elems []Value          // a list's elements
	rows  *Rows            // a list of objects made cell by cell
	given tftypes.Value    // a configured value, kept as it came
}

type kind uint8

const (
	kindNull kind = iota
	kindString
	kindNumber
	kindAttrs
	kindList
	kindRows
	kindGiven
)

// Null is a null of any type.
func Null() Value { return Value{} }

// IsNull reports whether v is a null.
func (v Value) IsNull() bool { return v.kind == kindNull }

// String is a string.
func String(s string) Value { return Value{kind: kindString, text: s} }

// Number is the number Terraform parses from decimal text, at Terraform's own precision.
func Number(decimalText string) Value { return Value{kind: kindNumber, text: decimalText} }

// Attributes is an object, or a map, of these attributes.
func Attributes(attrs map[string]Value) Value { return Value{kind: kindAttrs, attrs: attrs} }

// List is a list of these elements.
func List(elems []Value) Value { return Value{kind: kindList, elems: elems} }

// Given is a value as the configuration gave it.
func Given(v tftypes.Value) Value { return Value{kind: kindGiven, given: v} }

// RowList is a list of rows.Len objects whose attributes are rows.Columns.
func RowList(rows *Rows) Value { return Value{kind: kindRows, rows: rows} }

// Rows is a list of objects of the same attributes whose values are made as they are
// written, so that a list of 100k records holds no node per value.
type Rows struct {
	Len     int
	Columns []Column
}

// Column is an attribute of every row: Cell(i) is its value in row i.
type Column struct {
	Name string
	Cell func(i int) Value
}

// MsgPack is v in the plugin protocol's wire form, as tftypes would marshal it.
func (v Value) MsgPack() ([]byte, error) {
	w := newWriter(v.size())
	if err := v.write(w); err != nil {
		return nil, err
	}
	return w.bytes()
}

// size is about how many bytes v takes, so that the buffer is sized once.
func (v Value) size() int {
	const perValue = 24
	switch v.kind {
	case kindAttrs:
		n := 16
		for _, a := range v.attrs {
			n += perValue + a.size()
		}
		return n
	case kindList:
		return 16 + len(v.elems)*perValue
	case kindRows:
		return 16 + v.rows.Len*len(v.rows.Columns)*perValue
	}
	return perValue
}

func (v Value) write(w *writer) error {
	switch v.kind {
	case kindNull:
		w.null()
	case kindString:
		w.str(v.text)
	case kindNumber:
		w.number(v.text)
	case kindAttrs:
		w.objectHeader(len(v.attrs))
		for _, name := range slices.Sorted(maps.Keys(v.attrs)) {
			w.str(name)
			if err := v.attrs[name].write(w); err != nil {
				return err
			}
		}
	case kindList:
		w.arrayHeader(len(v.elems))
		for _, e := range v.elems {
			if err := e.write(w); err != nil {
				return err
			}
		}
	case kindRows:
		columns := slices.SortedFunc(slices.Values(v.rows.Columns), func(a, b Column) int { return cmpString(a.Name, b.Name) })
		w.arrayHeader(v.rows.Len)
		for i := range v.rows.Len {
			w.objectHeader(len(columns))
			for _, c := range columns {
				w.str(c.Name)
				if err := c.Cell(i).write(w); err != nil {
					return err
				}
			}
		}
	case kindGiven:
		b, err := tfprotov6.NewDynamicValue(v.given.Type(), v.given)
		if err != nil {
			return err
		}
		w.raw(b.MsgPack)
	}
	return nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ToTerraform is v as a value of type typ, for a framework Read to set as its state.
func (v Value) ToTerraform(typ tftypes.Type) (tftypes.Value, error) {
	switch v.kind {
	case kindNull:
		return tftypes.NewValue(typ, nil), nil
	case kindString:
		return tftypes.NewValue(typ, v.text), nil
	case kindNumber:
		n, err := parseNumber(v.text)
		if err != nil {
			return tftypes.Value{}, err
		}
		return tftypes.NewValue(typ, n), nil
	case kindGiven:
		return v.given, nil
	case kindAttrs:
		out := make(map[string]tftypes.Value, len(v.attrs))
		for name, a := range v.attrs {
			t, err := attrType(typ, name)
			if err != nil {
				return tftypes.Value{}, err
			}
			if out[name], err = a.ToTerraform(t); err != nil {
				return tftypes.Value{}, fmt.Errorf("%s: %w", name, err)
			}
		}
		return tftypes.NewValue(typ, out), nil
	case kindList, kindRows:
		list, ok := typ.(tftypes.List)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("a list where the type is %s", typ)
		}
		elems := v.elems
		if v.kind == kindRows {
			elems = make([]Value, v.rows.Len)
			for i := range elems {
				row := make(map[string]Value, len(v.rows.Columns))
				for _, c := range v.rows.Columns {
					row[c.Name] = c.Cell(i)
				}
				elems[i] = Attributes(row)
			}
		}
		out := make([]tftypes.Value, len(elems))
		for i, e := range elems {
			var err error
			if out[i], err = e.ToTerraform(list.ElementType); err != nil {
				return tftypes.Value{}, fmt.Errorf("element %d: %w", i, err)
			}
		}
		return tftypes.NewValue(typ, out), nil
	}
	return tftypes.Value{}, fmt.Errorf("a value of kind %d", v.kind)
}

// attrType is the type of an object's attribute name or of a map's elements.
func attrType(typ tftypes.Type, name string) (tftypes.Type, error) {
	switch t := typ.(type) {
	case tftypes.Object:
		if a, ok := t.AttributeTypes[name]; ok {
			return a, nil
		}
		return nil, fmt.Errorf("the object type has no attribute %s", name)
	case tftypes.Map:
		return t.ElementType, nil
	}
	return nil, fmt.Errorf("attributes where the type is %s", typ)
}
