package tfstate

import (
	"bytes"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A tree written as msgpack is, byte for byte, what tftypes marshals of the same tree made
// into a tftypes.Value: rows, maps, objects, lists, nulls, numbers and given values alike.
// (tftypes writes a map in Go's random order, so the map here has one entry; the test below
// compares a larger one as values.)
func TestATreesMsgPackIsTftypesMarshallingOfItsTerraformValue(t *testing.T) {
	t.Parallel()
	row := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"name": tftypes.String, "amount": tftypes.Number}}
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"given": tftypes.Set{ElementType: tftypes.String},
		"rows":  tftypes.List{ElementType: row},
		"none":  tftypes.List{ElementType: row},
		"sums":  tftypes.Map{ElementType: tftypes.Number},
		"names": tftypes.List{ElementType: tftypes.String},
		"total": tftypes.Number,
	}}
	names, amounts := []string{"b", "a", ""}, []string{"0.10", "-3", "123456789012345678901234567890.5"}
	tree := Attributes(map[string]Value{
		"given": Given(tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "x")})),
		"rows": RowList(&Rows{Len: 3, Columns: []Column{
			{Name: "name", Cell: func(i int) Value {
				if names[i] == "" {
					return Null()
				}
				return String(names[i])
			}},
			{Name: "amount", Cell: func(i int) Value { return Number(amounts[i]) }},
		}}),
		"none":  Null(),
		"sums":  Attributes(map[string]Value{"z": Number("1.5")}),
		"names": List([]Value{String("Log"), String("Metric")}),
		"total": Number("0.3"),
	})
	written, err := tree.MsgPack()
	if err != nil {
		t.Fatal(err)
	}
	value, err := tree.ToTerraform(typ)
	if err != nil {
		t.Fatal(err)
	}
	want, err := tfprotov6.NewDynamicValue(typ, value)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(written, want.MsgPack) {
		t.Fatalf("the tree wrote\n% x\ntftypes writes\n% x", written, want.MsgPack)
	}
}

// A map of many entries reads back, from the msgpack, as the tftypes.Value of the same tree.
func TestAMapOfManyEntriesReadsBackAsItsTerraformValue(t *testing.T) {
	t.Parallel()
	typ := tftypes.Map{ElementType: tftypes.Number}
	tree := Attributes(map[string]Value{"z": Number("1.5"), "a": Number("2"), "": Number("0"), "m": Null()})
	written, err := tree.MsgPack()
	if err != nil {
		t.Fatal(err)
	}
	got, err := (&tfprotov6.DynamicValue{MsgPack: written}).Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	want, err := tree.ToTerraform(typ)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(want) {
		t.Errorf("read back %s, want %s", got, want)
	}
}

// A tree that does not fit its type is an error, not a guess.
func TestATreeThatDoesNotFitItsTypeIsAnError(t *testing.T) {
	t.Parallel()
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": tftypes.Number}}
	for name, tree := range map[string]Value{
		"an attribute the type lacks": Attributes(map[string]Value{"b": Number("1")}),
		"a list for an object":        List(nil),
		"a number that is not one":    Attributes(map[string]Value{"a": Number("1,5")}),
	} {
		if _, err := tree.ToTerraform(typ); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
