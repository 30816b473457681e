from . import metric_orders
from . import metric_invoices
from . import metric_leads
from . import metric_activities
