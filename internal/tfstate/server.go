package tfstate

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Reader reads a data source from its configuration, as the schema's type, and returns its
// whole state.
type Reader func(ctx context.Context, config tftypes.Value) (Value, diag.Diagnostics)

// Server answers ReadDataSource for the data sources it has readers for and passes every
// other call to the framework's server.
type Server struct {
	tfprotov6.ProviderServer
	readers map[string]Reader

	typesOnce sync.Once
	types     map[string]tftypes.Type // each read data source's configuration type
	typesErr  error
}

// Serve wraps the framework's protocol server; readers maps a data source's type name to its
// reader. With no readers it is the framework's server itself.
func Serve(framework tfprotov6.ProviderServer, readers map[string]Reader) tfprotov6.ProviderServer {
	if len(readers) == 0 {
		return framework
	}
	return &Server{ProviderServer: framework, readers: readers}
}

// ReadDataSource reads a data source it has a reader for. A panic on this path, which the
// framework would otherwise catch nowhere, becomes an error diagnostic that asks for a bug
// report; its stack goes to the TRACE log only, never to the terminal.
func (s *Server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (resp *tfprotov6.ReadDataSourceResponse, err error) {
	read, ok := s.readers[req.TypeName]
	if !ok {
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	defer func() {
		if recovered := recover(); recovered != nil {
			tflog.Trace(ctx, "The "+providerName(req.TypeName)+" provider recovered from a panic while reading "+req.TypeName,
				map[string]any{"panic": fmt.Sprint(recovered), "stack": string(debug.Stack())})
			var diags diag.Diagnostics
			diags.AddError("The "+providerName(req.TypeName)+" provider failed unexpectedly", "Reading "+req.TypeName+" met an "+
				"internal error (a panic), which the provider caught: nothing of this read reaches the plan. This is a bug in "+
				"the provider; please report it, with the log of a run with TF_LOG=trace, which holds the error's stack.")
			resp, err = &tfprotov6.ReadDataSourceResponse{Diagnostics: ProtocolDiagnostics(ctx, diags)}, nil
		}
	}()
	resp = &tfprotov6.ReadDataSourceResponse{}
	var diags diag.Diagnostics
	typ, err := s.configType(ctx, req.TypeName)
	var config tftypes.Value
	if err == nil {
		config, err = req.Config.Unmarshal(typ)
	}
	if err != nil {
		diags.AddError("Could not read the configuration", err.Error())
		resp.Diagnostics = ProtocolDiagnostics(ctx, diags)
		return resp, nil
	}
	state, diags := read(ctx, config)
	if !diags.HasError() {
		b, err := state.MsgPack()
		if err != nil {
			diags.AddError("Could not build the state", "Writing the state of "+req.TypeName+" failed: "+err.Error()+
				". This is a bug in the provider; please report it.")
		} else {
			resp.State = &tfprotov6.DynamicValue{MsgPack: b}
		}
	}
	resp.Diagnostics = ProtocolDiagnostics(ctx, diags)
	return resp, nil
}

// configType is the type of a data source's configuration, from the framework's schema.
func (s *Server) configType(ctx context.Context, typeName string) (tftypes.Type, error) {
	s.typesOnce.Do(func() {
		schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		if err != nil {
			s.typesErr = fmt.Errorf("the provider's schema: %w", err)
			return
		}
		s.types = map[string]tftypes.Type{}
		for name, schema := range schemas.DataSourceSchemas {
			s.types[name] = schema.ValueType()
		}
	})
	if s.typesErr != nil {
		return nil, s.typesErr
	}
	typ, ok := s.types[typeName]
	if !ok {
		return nil, fmt.Errorf("the provider has no schema for %s", typeName)
	}
	return typ, nil
}

// providerName is the provider's part of a type name, "guance" of "guance_billing_details".
func providerName(typeName string) string {
	name, _, _ := strings.Cut(typeName, "_")
	return name
}

// ProtocolDiagnostics converts framework diagnostics to the protocol's, each path step by step
// as the framework's own server converts it.
func ProtocolDiagnostics(ctx context.Context, diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		if d == nil {
			continue
		}
		pd := &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityError, Summary: d.Summary(), Detail: d.Detail()}
		if d.Severity() == diag.SeverityWarning {
			pd.Severity = tfprotov6.DiagnosticSeverityWarning
		}
		if withPath, ok := d.(diag.DiagnosticWithPath); ok && len(withPath.Path().Steps()) > 0 {
			pd.Attribute = attributePath(ctx, withPath.Path())
			if len(pd.Attribute.Steps()) < len(withPath.Path().Steps()) {
				// A step that would not convert is named in the text rather than dropped.
				pd.Detail += "\n\n(Attribute: " + withPath.Path().String() + ")"
			}
		}
		out = append(out, pd)
	}
	return out
}

// attributePath is p in the protocol's terms, up to the first step that does not convert
// (a set element whose value has no Terraform form, which the data source never reports).
func attributePath(ctx context.Context, p path.Path) *tftypes.AttributePath {
	out := tftypes.NewAttributePath()
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case path.PathStepAttributeName:
			out = out.WithAttributeName(string(s))
		case path.PathStepElementKeyInt:
			out = out.WithElementKeyInt(int(s))
		case path.PathStepElementKeyString:
			out = out.WithElementKeyString(string(s))
		case path.PathStepElementKeyValue:
			v, err := s.ToTerraformValue(ctx)
			if err != nil {
				return out
			}
			out = out.WithElementKeyValue(v)
		default:
			return out
		}
	}
	return out
}
