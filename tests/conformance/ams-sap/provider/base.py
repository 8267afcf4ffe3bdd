# Stub of AzureMonitorForSAPSolutions' sapmon/payload/provider/base.py: hcx.py imports these two names, and its
# hcxProviderInstance uses neither (it derives from nothing). The real module needs the monitor's whole runtime
# (const, helper.context, retry, Azure storage), which has nothing to do with the HCX requests.


class ProviderInstance:
    pass


class ProviderCheck:
    pass
