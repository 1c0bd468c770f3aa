import warnings

# oslo.utils probes for eventlet, which oslo.messaging pulls in through
# oslo.service; protector never imports it, so its deprecation notice is noise.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
