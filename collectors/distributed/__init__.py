"""Collection on a Celery task queue: the worker side of a distributed run.

A run started on a central node sends one task per device to the queue of the device's site; a worker started
inside each site (``run_assessment.py worker``) collects the device and sends its snapshot folder back. This
package holds what the worker needs: the Celery application and its settings (``engine``), the messages that
travel (``messages``: a device without its password, a device folder as bytes), how a worker finds credentials
(``credentials``) and the task itself (``tasks``). Dispatching a run and gathering its results is the
application's job (``app.distributed``).
"""
