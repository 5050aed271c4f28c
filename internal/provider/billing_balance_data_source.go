package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
)

var _ datasource.DataSourceWithConfigure = (*billingBalanceDataSource)(nil)

type billingBalanceDataSource struct {
	data *providerData
}

func newBillingBalanceDataSource() datasource.DataSource { return &billingBalanceDataSource{} }

type billingBalanceModel struct {
	CashBalance       types.Number `tfsdk:"cash_balance"`
	CouponBalance     types.Number `tfsdk:"coupon_balance"`
	StoredCardBalance types.Number `tfsdk:"stored_card_balance"`
	TotalBalance      types.Number `tfsdk:"total_balance"`
}

func (d *billingBalanceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_billing_balance"
}

func (d *billingBalanceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	balance := func(what, apiField string) schema.NumberAttribute {
		return schema.NumberAttribute{
			MarkdownDescription: what + ", in the account's currency. An exact decimal; null when the API sent none " +
				"(`\"None\"`). API field: `" + apiField + "`.",
			Computed: true,
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "What the account has left to pay with (`GET /api/v1/billing/balance/get`): its cash, coupon " +
			"and stored-value card balances and their exact sum. Read while planning, once per run however many " +
			"`guance_billing_balance` blocks there are, so a postcondition can stop a plan when the balance falls " +
			"below a floor.",
		Attributes: map[string]schema.Attribute{
			"cash_balance":        balance("The cash balance", "cashBalance"),
			"coupon_balance":      balance("The coupon balance", "couponBalance"),
			"stored_card_balance": balance("The stored-value card balance", "storedCardBalance"),
			"total_balance": schema.NumberAttribute{
				MarkdownDescription: "The exact sum of `cash_balance`, `coupon_balance` and `stored_card_balance`; null " +
					"balances count as 0.",
				Computed: true,
			},
		},
	}
}

func (d *billingBalanceDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *billingBalanceDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	client, diags := d.data.readyClient()
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	balance, err := client.BillingBalance(ctx)
	if err != nil {
		resp.Diagnostics.Append(d.data.readError("Could not read the Guance account balance", err))
		return
	}
	resp.Diagnostics.Append(pacingDiagnostics(ctx, "the account balance", balance.Pacing)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, billingBalanceState(balance))...)
}

func billingBalanceState(b *guance.Balance) billingBalanceModel {
	return billingBalanceModel{
		CashBalance:       decimalValue(b.Cash),
		CouponBalance:     decimalValue(b.Coupon),
		StoredCardBalance: decimalValue(b.StoredCard),
		TotalBalance:      decimalValue(b.Total()),
	}
}
