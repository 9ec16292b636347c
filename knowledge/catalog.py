"""Every text a person reads, in one place: Spanish of Guatemala, "usted", short and warm.

Templates use ``str.format`` fields. Handlers and answers import from here only, so wording
changes in one file.

A text that names the plan's year, one of its periods, its PDM-OT or its municipality is in
:class:`EditionTexts`, written with the edition's fields (``{poa_year}``, ``{poa}``,
``{pom_period}``, ``{pdmot}``, ``{pdmot_year}``, ``{municipality}``, ``{zonas_span}``, see
:func:`knowledge.edition.edition_fields`), and is read from ``texts(plan.edition)``, which has
them filled in: no module-level text says a year or the municipality, so a plan of another year
or municipality is worded as its document is.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from knowledge.edition import edition_fields, fill
from knowledge.model import Edition, Section

SOURCE_SEPARATOR = " \u203a "  # a right-pointing angle quote between the parts of a section path

HELP_TITLE = "¿En qué le puedo ayudar?"
UNKNOWN_COMMAND = "No conozco el comando {command}. ¿En qué le puedo ayudar?"
HELP_LINES = (
    "Escríbame su pregunta con sus propias palabras, por ejemplo:",
    "• «¿Qué obras hay en la zona 10?»",
    "• «proyecto 242177»",
    "• «¿Cuánto dinero viene del IUSI?»",
    "• «meta de recolección de basura»",
    "También puede usar los botones o estos comandos: /zona, /proyectos, /temas, /metas, "
    "/financiamiento, /plan.",
)
GREETING_TITLE = "¡Hola! Con gusto le ayudo."
THANKS_TITLE = "¡Con mucho gusto!"
THANKS_LINE = "Aquí estoy para cuando necesite consultar algo más del plan."

NOT_IN_PLAN_TITLE = "Eso no está en el plan"
NOT_IN_PLAN_LINE = (
    "Solo conozco el {plan}: obras por zona, presupuesto, temas y metas. "
    "Para trámites, pagos, horarios o teléfonos, comuníquese directamente con la municipalidad."
)
GAP_TITLE = "Eso no viene en el texto del plan"
GAP_LINE = "El plan menciona «{title}», pero ese contenido no está en el texto del documento."
OTHER_YEAR = "El plan trae las cifras de dinero de {years}; para otros años no tiene datos."
OTHER_YEAR_KEPT = (
    "El plan vigente trae las cifras de dinero de {years}, y guardo también {older} (pregunte, "
    "por ejemplo, «presupuesto {example}»); para otros años no tengo datos."
)
OLDER_EDITION = "la edición del {years}"
OLDER_EDITIONS = "las ediciones de {years}"
UNSURE_TITLE = "No encontré eso en el plan"
UNSURE_LINE = "No encontré una respuesta clara en el plan. Pruebe con otras palabras o elija un tema:"
EMPTY_QUESTION = "Escríbame una pregunta sobre el plan, por ejemplo «proyectos zona 6»."
DID_YOU_MEAN = "Entendí: «{text}»."

ZONA_OUT_OF_RANGE_TITLE = "Zona {n}"
ZONA_OTHERS = "Hay proyectos listados en las zonas {zonas}."
ZONA_ALL_ZONES = "El plan también incluye acciones para todas las zonas del municipio:"
ZONA_MENTIONS = "Otras partes del plan que mencionan la zona {n}:"

PROJECT_TITLE = "Proyecto SNIP {snip}"
PROJECT_NOT_FOUND_TITLE = "No encontré el proyecto {snip}"
FACT_ZONA = "Zona"
FACT_PLACE = "Lugar"
FACT_OBSERVATION = "Observación"
FACT_FUNDED_BY = "Aporte"
PROJECT_FUNDER = "Consejo Departamental de Desarrollo (CODEDE)"
FACT_NUMBER = "No. en la tabla"
PROJECT_AFTER_TOTAL = (
    "Aparece después del total de la tabla, por lo que no está sumado en el total de {total}."
)
PROJECT_NAMED_AFTER_TOTAL = (
    "El proyecto {snip} aparece después del total de la tabla, "
    "por lo que no está sumado en el total de {total}."
)
PROJECTS_ALL_SUM = (
    "Los {n} proyectos, contando los que aparecen después del total, suman {total} "
    "(calculado de las filas del plan)."
)
SOURCES_SUM = "{sources} suman {amount} (calculado de las filas del plan)."
PROJECTS_TOTAL = "Total de los proyectos 1 a {last}: {total}"

FACT_INVESTMENT = "Para inversión"
FACT_OPERATING = "Para funcionamiento"
FUNDING_ROW = "{source}: {available} (inversión {investment}, funcionamiento {operating})"

TARGET_MEASURE = "De {baseline} ({baseline_year}) a {target} ({target_year})"
TARGET_YEAR_ONLY = "Meta para {year}"
TEMATICA_TITLE = "{name}"
FACT_EJE = "Eje"
FACT_LINKS = "Vinculación"
TEMATICA_OBJECTIVES = "Objetivos:"
LINE_OF_TEMATICA = "Parte de {tematica}."
LINE_ACTIONS = "Sus líneas de acción:"
POLICY_AXIS_MORE = "Más acciones de este eje:"
ACTOR_TITLE = "{name}"
FACT_ROLE = "Rol"
FACT_INFLUENCE_DECISIONS = "Influencia en decisiones"
FACT_INFLUENCE_IMPLEMENTATION = "Influencia en la implementación del PDM-OT"
LAW_DECREE = "Decreto / acuerdo"
POLICY_AXIS = "Eje: {axis}"
POLICY_AXES = "Ejes de la política:"
POLICY_AXIS_ITEMS = "Lo que este eje propone:"
POLICY_AXIS_ELSEWHERE = "El mismo eje en la {policy}:"
POLICY_SPECIFIC = "Objetivos específicos:"
RELATED = "También en el plan:"
SUMMARY_TITLE = "«{word}» en el plan"
SUMMARY_SOURCE = "{prefix} (varias secciones)"
GROUP_OTHER = "Otras partes del plan"
KIND_OTHER = "En el plan"
PLAN_TITLE = "Visión, misión y objetivo de la municipalidad"
LIST_MORE = "… y {n} más."
LIST_COUNT = "El plan lista {n} {noun}."
WHO_IN_TEXT = "Según el plan, esto se hace con {names}:"
PROJECTS_BOUND = "{n} de {total} proyectos tienen {side} {amount} en el plan:"
PROJECTS_BOUND_NONE = "Ningún proyecto del plan tiene {side} {amount}; esta es la lista completa:"
ZONA_BESIDES = "Aparte de «{excluded}», en la zona {n} hay {projects}:"
ZONA_BOUND = "En la zona {zonas} hay {projects} con {side} {amount}:"
ZONA_BOUND_NONE = "En la zona {zonas} ningún proyecto tiene {side} {amount}; estos son los que tiene:"
ABOVE = "más de"
BELOW = "menos de"
PROJECTS_MARKED = "Proyectos marcados {term} en el plan"
COMPARE_MORE = "{winner} tiene más: {amount}, {difference} más que {other} ({other_amount})."
COMPARE_LESS = "{winner} tiene menos: {amount}, {difference} menos que {other} ({other_amount})."
COMPARE_SIDE = "{name}: {amount}"
COMPARE_DIFFERENCE = "Diferencia: {difference} (calculada de los montos del plan)."
COMPARE_POINTS = "{points} puntos porcentuales"
COMPARE_PERCENT_TITLE = "Comparación de porcentajes"
COMPARE_DIFFERENCE_POINTS = "Diferencia: {difference} (calculada de los porcentajes del plan)."
COMPARE_INVESTMENT = "lo destinado a inversión"
COMPARE_OPERATING = "lo destinado a funcionamiento"
COMPARE_SOURCE_PART = "{part} de {source}"
COMPARE_ZONA = "{zona} ({projects}, suma calculada de sus filas)"
COMPARE_PROJECT = "el proyecto SNIP {snip} ({where})"
PROJECTS_IN_ZONAS = "Están en {zonas}."
LIST_FILTERED = "{n} de {total} {noun} tienen que ver con «{words}»:"
LIST_ALL_OF_TEMATICA = "Tema: {tematica}."
LIST_UNDER_LINE = "Línea estratégica: {line}"
LIST_EXCLUDED = "{n} de {total} {noun} del plan, sin contar «{words}»:"
LIST_LINE_PASSAGE = "{name}: «… {passage}»"
LIST_FILTER_EMPTY = "Ninguno de los {noun} del plan menciona «{words}»; esta es la lista completa:"
LIST_PAGE = "Página {page} de {pages}."
SHARE_FOUND = "{n} de {total} fuentes de financiamiento destinan {bound} a {part}:"
SHARE_NONE = (
    "Ninguna de las {total} fuentes de financiamiento destina {bound} a {part}; la que más destina "
    "es {source}, con {pct}. Así reparte cada una:"
)
SHARE_BOUND = {
    "eq": "el {pct}",
    "gt": "más del {pct}",
    "ge": "el {pct} o más",
    "lt": "menos del {pct}",
    "le": "el {pct} o menos",
}
SHARE_OF_TOTAL = (
    "Del total disponible de {total}, {amount} va a {part}: el {pct} (calculado de los totales del "
    "plan). Lo que destina cada fuente:"
)
SHARE_PART = {"investment": "inversión", "operating": "funcionamiento"}
SHARE_LINE = "{source}: {pct} a {part} ({amount} de {available})"
BTN_MORE = "Ver más ({page}/{pages})"
BTN_BACK = "Anteriores ({page}/{pages})"
ACTOR_LINE = "{name} — {role} (influencia {decisions}/{implementation})"
ACTOR_LINE_NOTE = "Influencia: en la toma de decisiones / en la implementación del PDM-OT."
ACTORS_BY_INFLUENCE = "{n} de los {total} actores tienen influencia {level} en {where}"
INFLUENCE_LEVEL = {"alto": "alta", "medio": "media", "bajo": "baja"}
INFLUENCE_COMPARED_TITLE = "Influencia de los actores (análisis de actores del plan)"
INFLUENCE_HIGHER_ONE = "En {where} pesa más {names}: influencia {level}, frente a {others}."
INFLUENCE_HIGHER_SEVERAL = "En {where} pesan más {names}: influencia {level}, frente a {others}."
INFLUENCE_OTHER = "{name} ({level})"
INFLUENCE_SAME = "En {where} tienen la misma influencia: {level}."
INFLUENCE_WHERE = {"decisions": "la toma de decisiones", "implementation": "la implementación del PDM-OT"}
ACTORS_BY_ROLE = "{actors} con «{words}» en su rol, según el análisis de actores del plan:"
ACTORS = ("actor", "actores")
EJES_LINE = "El PDM-OT se apoya en {n} ejes:"
COUNT_PROJECTS = (
    "La tabla de proyectos con aporte del CODEDE lista {n} proyectos: {in_total} sumados en el "
    "total de {total} y {after} después del total."
)
MAX_FUNDING = "La fuente que más aporta{measure} es {source}: {amount}."
MIN_FUNDING = "La fuente que menos aporta{measure} es {source}: {amount}."
FUNDING_NOTHING = "No aportan nada{measure}: {sources}."
MEASURE_WORDS = {
    "available": "",
    "investment": " a inversión",
    "operating": " a funcionamiento",
    "investment_pct": " a inversión (en porcentaje)",
    "operating_pct": " a funcionamiento (en porcentaje)",
}
RANKED_FUNDING = "La fuente número {rank} que {most} aporta{{measure}} es {{source}}: {{amount}}."
MOST = "más"
LEAST = "menos"
RANKED_ZONA = "La zona número {place} que {most} recibe es la zona {{n}}: {{amount}} (suma de {{projects}})."
# Relative to a thing set aside ("aparte del de San Antonio, ¿hay otro?", "después de X, ¿cuál …?")
PROJECT_NAMED = "SNIP {snip} ({where})"
WHAT_ZONA_IN = "en la zona {n}"
IN_THE_PLAN = "en el plan"
MORE_PROJECTS = ("proyecto más", "proyectos más")
OTHER_PROJECTS_THAN = "{where}, aparte del proyecto de {place}, hay {projects}:"
OTHER_PROJECTS_NAMED = "{where}, aparte del proyecto de {place}, hay {projects}: {names}."
OTHER_PROJECT_NAMED = "el {named}, con {amount}"
NO_OTHER_PROJECT = "No: {where}, el plan no lista otro proyecto aparte del {named}."
MORE_SOURCES = ("fuente de financiamiento más", "fuentes de financiamiento más")
OTHER_SOURCES_THAN = "Sí: además de {named}, el plan lista {sources}: {names}."
NO_OTHER_ZONA = "No: el plan solo lista proyectos en la zona {n}."
OTHER_ZONAS_THAN = "Aparte de la zona {n}, el plan lista proyectos en las zonas {zonas}."
RANK_AFTER = "Después del {named}, "
RANK_BESIDES = "Sin contar el {named}, "
RANK_PROJECT = "el proyecto con {most} dinero es el {named}: {amount}."
RANK_NONE_MOST = "no hay otro proyecto después: es el de menos dinero."
RANK_NONE_LEAST = "no hay otro proyecto después: es el de más dinero."
RANKING_SECTION = "El orden completo:"
RANK_AFTER_SOURCE = "Después de {named}, "
RANK_BESIDES_SOURCE = "Sin contar {named}, "
RANK_SOURCE = "la fuente que {most} aporta es {source}: {amount}."
RANK_NONE_SOURCE_MOST = "no hay otra fuente después: es la que menos aporta."
RANK_NONE_SOURCE_LEAST = "no hay otra fuente después: es la que más aporta."
RANK_AFTER_ZONA = "Después de la zona {n}, "
RANK_BESIDES_ZONA = "Sin contar la zona {n}, "
RANK_ZONA = "la zona que {most} recibe es la zona {n}: {amount} (suma de {projects})."
RANK_NONE_ZONA_MOST = "no hay otra zona después: es la que menos recibe."
RANK_NONE_ZONA_LEAST = "no hay otra zona después: es la que más recibe."
RANK_USED = "Puesto {place} de {size}, {order}."
RANK_HIGHEST_FIRST = "ordenados de mayor a menor monto"
RANK_LOWEST_FIRST = "ordenados de menor a mayor monto"
IN_TOTAL_MOST = (
    "Entre los {n} proyectos que suma el TOTAL de la tabla, el de más dinero es el SNIP {snip}: {amount}."
)
IN_TOTAL_LEAST = (
    "Entre los {n} proyectos que suma el TOTAL de la tabla, el de menos dinero es el SNIP {snip}: {amount}."
)
IN_TOTAL_RANKED = (
    "Entre los {{n}} proyectos que suma el TOTAL de la tabla, el número {place} con {most} dinero es "
    "el SNIP {{snip}}: {{amount}}."
)
MIN_ZONA = "De las zonas con proyectos, la zona {n} es la que recibe menos: {amount} (suma de {projects})."
COUNT_TEXT_SAYS = "El texto del plan dice: «{sentence}»"
TERM_NOT_IN_PLAN = (
    "El plan no usa ni explica «{term}». Sí le puedo explicar sus propias palabras y siglas, como "
    "POA, PDM-OT, CODEDE, SNIP o ARRASTRE."
)
GIVER_NOT_IN_PLAN = (
    "El plan no menciona «{giver}» ni un monto que venga de ahí. El dinero del plan viene de estas "
    "fuentes: {sources}."
)
OPERATING_NEAREST = (
    "El plan no da un monto aparte para «{word}»; lo más cercano es lo destinado a funcionamiento."
)
RATE_NOT_IN_PLAN = "El plan no da esa tasa ni esa tarifa; esto es lo que sí trae sobre eso:"
COUNT_NOT_IN_PLAN = "El plan no dice cuántos hay; esto es lo que sí trae sobre eso:"
MONEY_NOT_IN_PLAN = "El plan no da un monto para eso; esto es lo que sí trae:"
MONEY_NOT_IN_PLAN_FOR = (
    "El plan no da un monto para eso: solo trae el dinero de cada fuente de financiamiento y el de"
    " cada proyecto de su tabla."
)
SCORE_NOT_IN_PLAN = "El plan no da ese puntaje; esto es lo que sí trae sobre eso:"
EXACT_DATE_NOT_IN_PLAN = "El plan no da días ni meses, solo años; esto es lo que sí trae:"
DETAIL_NOT_IN_PLAN = "El plan no dice eso ({words}) de este proyecto; esto es lo que sí trae:"
COMPARE_MEASURES = (
    "Se destina más a {more}: {more_amount}, frente a {less_amount} para {less} (totales del plan); "
    "la diferencia es de {difference} (calculada)."
)
WHERE_NOT_IN_PLAN = "El plan no dice dónde queda eso; de los proyectos sí da el lugar de cada uno."
MEASURE_NAMES = {"investment": "inversión", "operating": "funcionamiento"}
WHEN_TEXT = "Según el plan: «{sentence}»"
WHEN_LASTING = "Plazo que da el plan: {time}."
PROJECTS_NAMED = "Los {n} proyectos por los que pregunta"
LONGEST_PROJECT = "El periodo más largo es el del SNIP {snips}: {observation}, {years} años según el plan."
FIRST_STARTED = "Empieza primero, según el periodo que da el plan: SNIP {snips} ({observation})."
LAST_STARTED = "Empieza de último, según el periodo que da el plan: SNIP {snips} ({observation})."
FIRST_ENDED = "Termina primero, según el periodo que da el plan: SNIP {snips} ({observation})."
LAST_ENDED = "Termina de último, según el periodo que da el plan: SNIP {snips} ({observation})."
SHORTEST_PROJECT = "El periodo más corto es el del SNIP {snips}: {observation}, {years} años según el plan."
GROUP_SUM = "«{words}»: {amount} ({projects})"
PROJECTS_FUNDER = (
    "El plan los lista entre los proyectos con aporte del Consejo Departamental de Desarrollo (CODEDE):"
)
OTHER_PROJECTS = "Los demás proyectos del plan:"
MOST_PROJECTS_ZONA = "La zona {n} es la que más proyectos tiene en el plan: {projects}."
MOST_PROJECTS_ZONAS = "Las zonas {n} son las que más proyectos tienen en el plan: {projects} cada una."
FEWEST_PROJECTS_ZONA = "De las zonas con proyectos, la zona {n} es la que menos tiene: {projects}."
FEWEST_PROJECTS_ZONAS = (
    "De las zonas con proyectos, las zonas {n} son las que menos tienen: {projects} cada una."
)
ZONA_RANK_LINE = "Zona {n}: {amount} ({projects})"
FILTERED_SUM = "Suma de {projects}: {amount} (calculada de las filas del plan)."
WHEN_PERIOD = "{observation}: el plan lo programa de {start} a {end}."
WHEN_UNKNOWN = "El plan no da fecha para este proyecto."
WHEN_NO_PROGRESS = "No hay avance registrado por el personal municipal."
WHEN_STAFF = "Estado: {status}{progress}, según el personal municipal (actualizado el {date})."
WHEN_EVENT_PERIOD = (
    "El plan no dice en qué fecha se aprobó ni se elaboró el {term}; lo que sí da es su período: {period}."
)
WHEN_EVENT_NONE = "El plan no da la fecha en que se aprobó ni se elaboró el {term}."
WHEN_NOT_IN_PLAN = (
    "El plan no da una fecha para eso. Puedo decirle qué obras y metas tiene, y hasta cuándo las programa."
)
WHEN_ZONA = (
    "Periodo de los proyectos de la zona {n} según el plan (no hay avance registrado por el personal):"
)
WHEN_TARGET = "El plan fija esta meta para {year}."
DEFINE_TITLE = "¿Qué es {term}?"
DEFINE_PLAN = "En el plan: «{text}»."
DEFINE_EXPLAINED = "Explicación (no es texto del plan): {text}"
CARD_EXPLAINED = "Qué significa (explicación, no es texto del plan): {text}"
PLACE_NOT_LISTED_TITLE = "«{place}» no aparece en el plan"
PLACE_NOT_LISTED = "El plan no lista proyectos en «{place}»."
PLACE_NEAR = "Lo más parecido que sí aparece:"
PLACE_ZONA = "En la zona {n} el plan tiene:"
PLACE_ASK_ZONA = "Dígame en qué zona queda y le digo qué tiene el plan allí."

STAFF_PREFIX = "Dato ingresado por el personal municipal"

# Buttons (short: they must fit a phone screen)
BTN_ZONA = "Ver zona {n}"
BTN_PROJECT = "Proyecto {snip}"
BTN_PROJECTS = "Proyectos"
BTN_TEMATICA = "{name}"
BTN_TEMATICAS = "Temas del plan"
BTN_FUNDING = "Financiamiento"
BTN_HELP = "Ayuda"
BTN_PLAN = "Visión y misión"

# Operators (command line) ------------------------------------------------------------------------
MISSING_TOKEN = "Falta TELEGRAM_TOKEN: créelo con @BotFather y expórtelo antes de iniciar el bot."
MISSING_WEBHOOK_SECRET = "Falta WEBHOOK_SECRET: el modo webhook exige un secreto compartido con Telegram."
DATABASE_NOT_READY = "No se pudo preparar la base de datos; revise DATABASE_URL."

TERMINAL_HELP = (
    "Escriba su pregunta. «#2» pulsa el botón 2 del último mensaje; «/archivo RUTA» envía un "
    "archivo (por ejemplo un CSV de estados); Ctrl-D para salir. Los comandos del personal "
    "necesitan ADMIN_IDS=1000 (el usuario de esta terminal)."
)
TERMINAL_FILE_MISSING = "No encuentro el archivo {path}."
TERMINAL_FILE_SENT = "[archivo {name}]"

# Telegram conversation -----------------------------------------------------------------------
NON_TEXT = (
    "Por ahora solo puedo leer texto. Escríbame su pregunta sobre el plan, "
    "por ejemplo «proyectos zona 6», o use /ayuda."
)
ERROR = "Lo siento, algo salió mal de nuestro lado. Por favor intente de nuevo en un momento."
STALE_BUTTON = "Esta opción ya no está disponible."
PROJECT_ASK = "Escríbame el código SNIP o el nombre del proyecto, por ejemplo: /proyecto 242177"
INLINE_OPEN_BOT = "Abrir en el bot"
INLINE_EMPTY_TITLE = "Escriba una zona, un proyecto o un tema"
INLINE_EMPTY_TEXT = "Por ejemplo: zona 6, proyecto 242177, meta de basura."
BTN_MY_ZONA = "Mi zona"
BTN_CHART = "📊 Ver gráfico"
CHART_FAILED = "No pude dibujar el gráfico en este momento; las cifras están en el texto."

# Staff -----------------------------------------------------------------------------------------
STAFF_ONLY = "Este comando es solo para el personal de la municipalidad."
ADMIN_ONLY = "Solo un administrador puede cambiar quién es parte del personal."
STATUS_LABELS = {
    "planificado": "Planificado",
    "en_ejecucion": "En ejecución",
    "suspendido": "Suspendido",
    "finalizado": "Finalizado",
}
STATUS_USAGE = (
    "Uso: /estado SNIP estado [avance%] [nota]\n"
    "Estados: planificado, en_ejecucion, suspendido, finalizado.\n"
    "Ejemplo: /estado 242177 en ejecución 45% zanjeo terminado"
)
STATUS_BAD_SNIP = "No hay ningún proyecto con SNIP {snip} en el plan."
STATUS_BAD_STATE = (
    "No reconozco el estado «{state}». Use: planificado, en_ejecucion, suspendido o finalizado."
)
STATUS_BAD_PROGRESS = "El avance debe ser un número de 0 a 100, por ejemplo 45%."
STATUS_BAD_PROGRESS_GIVEN = (
    "El avance debe ser un número de 0 a 100, por ejemplo 45% («{value}» no lo es). No se guardó nada."
)
STATUS_SAVED = "Listo: proyecto {snip} → {status}{progress}. Se avisará a {followers}."
STATUS_CARD_TITLE = "Seguimiento (dato ingresado por el personal municipal)"
STATUS_CARD_LINE = "{status}{progress} · actualizado el {date}"
STATUS_NOTE = "Nota: {note}"
STATUS_NONE = "Sin actualización del personal todavía."
HISTORY_TITLE = "Historial del proyecto {snip}"
HISTORY_EMPTY = "El proyecto {snip} no tiene actualizaciones del personal todavía."
HISTORY_LINE = "{date} · {author}: {status}{progress}{note}{changed}"
HISTORY_CHANGED = " (cambió {what})"
CHANGED_STATUS = "estado: {before} → {after}"
CHANGED_PROGRESS = "avance: {before} → {after}"
CHANGED_NO_PROGRESS = "sin dato"
CHANGED_NOTE = "nota"
CHANGED_NOTHING = "nada"
NOTIFY_STATUS = (
    "🔔 <b>Proyecto SNIP {snip}</b>\n{name}\nNuevo estado: <b>{status}</b>{progress}\n{note}"
    "<i>Dato ingresado por el personal municipal el {date}.</i>"
)
STAFF_USAGE = "Uso: /staff agregar ID o /staff quitar ID (el número de usuario de Telegram)."
STAFF_ADDED = "Listo: {user_id} ahora es parte del personal."
STAFF_ALREADY = "{user_id} ya era parte del personal."
STAFF_REMOVED = "Listo: {user_id} ya no es parte del personal."
STAFF_NOT_FOUND = "{user_id} no estaba en el personal."
STAFF_LIST = "Personal con acceso: {ids}"
STAFF_CONFIGURED = (
    "{user_id} es administrador por la configuración del bot (ADMIN_IDS); eso solo se cambia allí."
)
STAFF_SELF = (
    "No puede quitarse usted mismo del personal: así el bot nunca se queda sin administrador. "
    "Si debe dejarlo, pídaselo a otro administrador."
)
STAFF_NO_LONGER_ADMIN = (
    "No se quitó a {user_id}: usted ya no es administrador (otro administrador lo quitó del "
    "personal hace un momento)."
)
STAFF_CHANGED = {
    "added": STAFF_ADDED,
    "already": STAFF_ALREADY,
    "removed": STAFF_REMOVED,
    "not_staff": STAFF_NOT_FOUND,
    "configured": STAFF_CONFIGURED,
    "self": STAFF_SELF,
    "not_admin": STAFF_NO_LONGER_ADMIN,
}
"""What /staff agregar|quitar and the console's team say, by outcome (``RoleChange``)."""
STAFF_HELP_TITLE = "Ayuda para el personal municipal"
STAFF_HELP_PLAN = (
    "Las preguntas sobre el plan se escriben como las de cualquier vecino, por ejemplo «proyecto 242177»."
)
STAFF_HELP_COMMANDS_TITLE = "Sus comandos, con un ejemplo de cada uno:"
STAFF_HELP_COMMANDS = (
    "/estado SNIP estado [avance%] [nota] — registra el estado de un proyecto y avisa a quienes lo "
    "siguen. Ejemplo: /estado 242177 en ejecución 45% zanjeo terminado",
    "/historial SNIP — las últimas 30 actualizaciones, con quién y cuándo. Ejemplo: /historial 242177",
    "/anunciar zona N texto, o /anunciar todos texto — le muestro la vista previa antes de enviar. "
    "Ejemplo: /anunciar zona 6 Corte de agua el lunes de 8 a 12",
    "/reporte — preguntas sin respuesta, temas más consultados, envíos y reportes de vecinos. "
    "Ejemplo: /reporte",
    "/exportar — el estado de todos los proyectos en un archivo CSV. Ejemplo: /exportar",
    "/staff agregar ID o /staff quitar ID — solo administradores. Ejemplo: /staff agregar 123456789",
)
STAFF_HELP_CSV_TITLE = "Actualizar varios proyectos con un archivo CSV:"
STAFF_HELP_CSV = (
    "Envíeme aquí, en el chat privado, un archivo .csv (máximo 1 MB) con las columnas "
    "SNIP, estado, avance, nota, separadas por coma, punto y coma o tabulador; la primera fila "
    "puede ser el encabezado.",
    "Estados: planificado, en_ejecucion, suspendido, finalizado. El avance (0 a 100) y la nota "
    "pueden quedar vacíos.",
    "Ejemplo de fila: 242177,en_ejecucion,45,zanjeo terminado",
    "Le muestro cada fila lista y cada rechazada con su motivo; nada cambia hasta que toque «Aplicar».",
)
STAFF_HELP_EDITION_TITLE = "Cargar el plan del año nuevo:"
STAFF_HELP_EDITION = (
    "Envíeme aquí, en el chat privado, el documento del plan (.txt, como el de este año) o su "
    "exportación .json.",
    "Le muestro qué plan es, cuántos proyectos, fuentes, metas y acciones trae, si sus totales "
    "cuadran y qué cambia; nada cambia hasta que toque «Cargar».",
    "Al cargarlo, los vecinos que siguen una zona con cambios reciben un aviso de lo que cambia en su zona.",
)
STAFF_COMMANDS = (
    ("estado", "Registrar estado y avance de un proyecto"),
    ("historial", "Historial de un proyecto"),
    ("anunciar", "Enviar un anuncio a una zona o a todos"),
    ("reporte", "Lo que la gente pregunta y el estado de los envíos"),
    ("exportar", "Estado de todos los proyectos en CSV"),
    ("staff", "Agregar o quitar personal"),
)

SUBSCRIBE_USAGE = "Uso: /suscribir zona 6 o /suscribir proyecto 242177"
UNSUBSCRIBE_USAGE = "Uso: /desuscribir zona 6 o /desuscribir proyecto 242177"
SUBSCRIBED = "Listo, le avisaré de los cambios en {what}."
ALREADY_SUBSCRIBED = "Ya sigue {what}."
UNSUBSCRIBED = "Listo, ya no le avisaré de los cambios en {what}."
NOT_SUBSCRIBED = "No seguía {what}."
SUBSCRIPTIONS_TITLE = "Lo que usted sigue"
SUBSCRIPTIONS_EMPTY = "Todavía no sigue ninguna zona ni proyecto. Use el botón 🔔 Seguir o /suscribir zona 6."
WHAT_ZONA = "la zona {n}"
WHAT_PROJECT = "el proyecto {snip}"
WHAT_PROJECT_NAMED = "el proyecto {snip} ({name})"
WHAT_TEMA = "el tema {name}"
WHAT_REPORT = "el reporte #{id}"
BTN_FOLLOW = "🔔 Seguir"
BTN_UNFOLLOW = "🔕 Dejar de seguir"
BTN_UNFOLLOW_ZONA = "🔕 Dejar la zona {n}"
BTN_UNFOLLOW_PROJECT = "🔕 Dejar el proyecto {snip}"
BTN_REPORT = "📣 Reportar avance"
FORGET_ASK = "¿Borrar todo lo que el bot guarda de este chat (suscripciones, preguntas, reportes)?"
FORGET_DONE = "Listo, borré todo lo que guardaba de este chat."
FORGET_GROUP_ADMINS = "Solo un administrador del grupo puede borrar lo que el bot guarda del grupo."
FORGET_NOT_YOURS = "Solo quien pidió borrar los datos del grupo puede confirmarlo o cancelarlo."
BTN_FORGET_YES = "Sí, borrar"
BTN_CANCEL = "Cancelar"
CANCELLED = "Cancelado, no se cambió nada."

ANNOUNCE_USAGE = "Uso: /anunciar zona 6 texto del anuncio, o /anunciar todos texto del anuncio"
ANNOUNCE_TOO_LONG = (
    "El anuncio es demasiado largo: acórtelo en {n} caracteres, por favor. (Al guardarlo, cada &, < "
    "o > y cada comilla ocupa varios caracteres, y cada emoji cuenta como dos.)"
)
ANNOUNCE_PREVIEW = "<b>Vista previa del anuncio</b> para {audience} ({recipients}):\n\n{text}"
ANNOUNCE_AUDIENCE_ALL = "todos"
ANNOUNCE_NONE = "No hay destinatarios para {audience} todavía; no se envió nada."
ANNOUNCE_QUEUED = "Enviando anuncio… Enviados 0 de {count}"
BROADCAST_PROGRESS = "Enviando anuncio… Enviados {done} de {total}"
BROADCAST_DONE = "Anuncio enviado: {delivered}, {undelivered}."
ANNOUNCE_NOT_YOURS = "Solo quien preparó el anuncio puede enviarlo."
BTN_SEND = "Enviar"

REPORT_ASK = (
    "Escriba lo que ve en la obra del proyecto {snip} (puede adjuntar una foto con texto). "
    "Se lo muestro antes de enviarlo. Tiene {minutes} minutos; si me hace una pregunta, "
    "se la respondo como siempre."
)
REPORT_PREVIEW = (
    "Así quedaría su reporte del proyecto {snip}:\n\n{body}\n\n"
    "¿Lo envío al personal municipal? Si quiere agregar algo, escríbalo."
)
REPORT_PREVIEW_PHOTO = "📷 Con foto."
REPORT_SAVED = "Gracias, su reporte del proyecto {snip} llegó al personal municipal."
REPORT_CANCELLED = "Listo, no envié el reporte."
REPORT_LEFT = (
    "El reporte del proyecto {snip} no se envió. Para reportar, toque otra vez «📣 Reportar avance»."
)
REPORT_LEFT_DRAFT = (
    "Su reporte del proyecto {snip} no se envió todavía: "
    "puede enviarlo con el botón Enviar de la vista previa."
)
REPORT_LIMIT = "Ya envió {reports} hoy. Podrá enviar más mañana."
REPORT_REVIEWED = "Reporte {id} marcado como revisado."
REPORT_REVIEWED_NOTICE = (
    "✅ La municipalidad revisó su reporte del proyecto {snip} del {date}: «{text}». ¡Gracias por avisar!"
)
FEEDBACK_THANKS = "¡Gracias por su opinión!"
FEEDBACK_DUPLICATE = "Ya recibimos su opinión sobre esta respuesta."
BTN_USEFUL = "👍"
BTN_NOT_USEFUL = "👎"

CSV_PREVIEW = "<b>Actualización masiva</b>: {ok}, {bad}."
CSV_ROW = "{snip} → {status}{progress}"
CSV_REJECTED = "Línea {line}: {reason}"
CSV_APPLIED = "Listo: {applied}."
CSV_NOTHING = "El archivo no tiene filas válidas; no se aplicó nada."
CSV_TOO_BIG = "El archivo es demasiado grande (máximo 1 MB)."
CSV_NOT_CSV = "Envíe un archivo .csv con columnas SNIP, estado, avance, nota."
CSV_NOT_TEXT = (
    "El archivo no es un CSV de texto (¿se guardó como libro de Excel, .xlsx?). Guárdelo como «CSV» "
    "y envíelo de nuevo; no se cambió nada."
)
CSV_UNCLOSED_QUOTE = (
    'Línea {line}: unas comillas (") abren una celda y no la cierran en esa fila, así que las filas '
    "siguientes quedarían dentro de su nota. Cierre o quite esas comillas y envíe el archivo de nuevo; "
    "no se cambió nada."
)
CSV_BAD_QUOTES = (
    'Línea {line}: hay comillas (") mal puestas: una celda entre comillas debe terminar en sus '
    "comillas de cierre. Corríjala y envíe el archivo de nuevo; no se cambió nada."
)
CSV_CELL_TOO_LONG = (
    "Línea {line}: una celda tiene más de {limit} caracteres; ¿es el archivo correcto? No se cambió nada."
)
CSV_FEW_COLUMNS = "faltan columnas (SNIP, estado, avance, nota)"
CSV_NO_PROJECT = "no hay proyecto con SNIP {snip}"
CSV_BAD_STATE = "estado «{state}» no reconocido"
CSV_BAD_PROGRESS = "avance «{value}» no es un número de 0 a 100"
CSV_REPEATED = "SNIP {snip} repetido en el archivo"
CSV_MORE = "… y {rows} más."
MESSAGE_CUT = "… y {lines}, que no caben en este mensaje."
"""The last line of a message whose lines Telegram's 4,096 characters do not all hold."""
MESSAGE_CUT_EARLIER = "… {lines}, que no caben en este mensaje."
"""The same, in place of the first lines (a history, the newest last)."""
CSV_NOT_YOURS = "Solo quien envió el archivo puede aplicarlo o descartarlo."
BTN_APPLY = "Aplicar"

REPORT_TITLE = "Reporte para el personal"
REPORT_UNANSWERED = "Preguntas sin respuesta (por zona):"
REPORT_TOPICS = "Temas más consultados:"
REPORT_FEEDBACK = "Opiniones: 👍 {up} · 👎 {down}"
REPORT_SUBSCRIPTIONS = "Suscripciones:"
REPORT_BROADCASTS = "Últimos envíos:"
REPORT_LATE = "Proyectos atrasados o sin actualizar:"
REPORT_GROUND = "Reportes de vecinos sin revisar:"
REPORT_NOTHING = "Nada por ahora."
REPORT_ASKED = "{zona}: «{question}» ({times})"
REPORT_COUNTED = "{text} ({times})"
REPORT_BROADCAST_LINE = "{date} · {audience}: {sent}, {failed}, {pending}"
REPORT_SUBSCRIPTION_LINE = "{what}: {chats}"
REPORT_GROUND_LINE = "#{id} · proyecto {snip} · {date}: {text}"
LATE_PERIOD = "{snip}: su periodo terminaba en {year} y no está finalizado"
LATE_STALE = "{snip}: sin actualización en {days}"
LATE_NEVER = "{snip}: nunca se ha actualizado"
REPORT_ZONA = "Zona {n}"
REPORT_NO_ZONA = "Sin zona"
STATUS_BAD_NOTE = "La nota debe ser texto."

# Mi zona: the zona a chat chose as its own (handlers.my_zona) ----------------------------------
BTN_CHANGE_ZONA = "Cambiar de zona"
MY_ZONA_PICK = "¿En qué zona vive? Elíjala y la recordaré para la próxima vez."
MY_ZONA_ASK = "¿De qué zona es usted? Elíjala y le respondo; la recordaré para la próxima vez."
MY_ZONA_SAVED = "Listo, recordaré que su zona es la {n}."

# Nouns counted in the texts above, as (singular, plural) for knowledge.counts.count_of ---------
TIMES = ("vez", "veces")
CHATS = ("chat", "chats")
FOLLOWING_CHATS = ("chat que lo sigue", "chats que lo siguen")
RECIPIENTS = ("destinatario", "destinatarios")
SENT = ("enviado", "enviados")
DELIVERED = ("entregado", "entregados")
UNDELIVERED = ("no entregado", "no entregados")
PENDING = ("pendiente", "pendientes")
ROWS_READY = ("fila lista", "filas listas")
ROWS_REJECTED = ("rechazada", "rechazadas")
ROWS_MORE_REJECTED = ("fila rechazada", "filas rechazadas")
LINES_LEFT_OUT = ("línea más", "líneas más")
LINES_EARLIER = ("línea anterior", "líneas anteriores")
UPDATES_APPLIED = ("actualización aplicada", "actualizaciones aplicadas")
REPORTS = ("reporte", "reportes")
DAYS = ("día", "días")
PROJECTS = ("proyecto", "proyectos")
LISTED_PROJECTS = ("proyecto listado", "proyectos listados")

# Plan checks: why a plan file is refused (knowledge.reconcile, knowledge.ingest) ---------------
# Each follows "línea N «…»:" or a JSON path; `python -m bot load` prints it in one line.
CHECK_NO_PROJECTS = (
    "el plan no trae proyectos: falta la tabla de proyectos con aporte del Consejo Departamental "
    "de Desarrollo o no tiene filas"
)
CHECK_NO_FUNDING = (
    "el plan no trae fuentes de financiamiento: falta la tabla de disponibilidad financiera o no tiene filas"
)
CHECK_NO_FUNDING_TOTAL = "falta la fila del total de la tabla de disponibilidad financiera"
CHECK_NEGATIVE = "{what} es negativo ({amount}): un monto o porcentaje del plan no puede ser menor que cero"
CHECK_ROW_PARTS = (
    "la fila no cuadra: inversión Q {investment} más funcionamiento Q {operating} da Q {summed}, "
    "no la disponibilidad de Q {available}"
)
CHECK_SHARE = "{what} dice {printed}%, pero Q {part} de Q {available} es el {computed}%"
CHECK_FUNDING_TOTAL = (
    "el total no cuadra: la columna de {column} dice Q {printed}, pero sus {rows} filas suman "
    "Q {summed} (diferencia Q {difference})"
)
CHECK_PROJECTS_TOTAL = (
    "el TOTAL de proyectos no cuadra: dice Q {printed}, pero los {rows} proyectos de arriba suman "
    "Q {summed} (diferencia Q {difference})"
)
CHECK_PROJECTS_TOTAL_TWICE = "la tabla de proyectos tiene otra fila TOTAL (la primera: {first})"
CHECK_PROJECTS_TOTAL_EMPTY = "la fila TOTAL de proyectos no tiene monto"
CHECK_PROJECT_SHORT = (
    "la fila de proyecto está incompleta: tiene {cells} columnas y se esperaban 5 "
    "(No., nombre, SNIP, monto y observación)"
)
CHECK_PROJECT_CELL_EMPTY = "la fila de proyecto no tiene {cell}"
CHECK_PROJECT_NUMBER = "el No. del proyecto «{value}» no es un número"
CHECK_PROJECT_SNIP = "el SNIP «{value}» no es válido (son de 5 a 7 dígitos)"
CHECK_SNIP_TWICE = "SNIP {snip} repetido (la primera vez: {first})"
CHECK_ZONA = "la zona {zona} no es del municipio (sus zonas: {zonas})"
CHECK_UNKNOWN_REFERENCE = "{what} «{ref}» no existe en el plan"
CHECK_AMOUNT_NAMES = {
    "available": "el monto disponible",
    "investment": "el monto de inversión",
    "operating": "el monto de funcionamiento",
    "investment_pct": "el porcentaje de inversión",
    "operating_pct": "el porcentaje de funcionamiento",
    "amount": "el monto del proyecto",
}
CHECK_COLUMN_NAMES = {
    "available": "disponibilidad financiera",
    "investment": "inversión",
    "operating": "funcionamiento",
}
CHECK_PROJECT_CELLS = ("el No.", "el nombre", "el SNIP", "el monto")
CHECK_REFERENCE_NAMES = {
    "tematica": "la temática",
    "objective": "el objetivo",
    "strategic_line": "la línea estratégica",
}
# Plan editions: what changed between two (knowledge.diff_answer) ------------------------------
# The two editions are named by labels these texts are given ("POA 2024", from
# knowledge.diff_answer.edition_label); no year and no municipality is written here.
EDITION_LABEL = "POA {year}"
EDITION_NAMED = "{label} ({name})"
CHANGES_TITLE = "Qué cambió del {old} al {new}"
CHANGES_ONE_EDITION_TITLE = "Solo hay una edición del plan"
CHANGES_ONE_EDITION = (
    "Tengo cargado solo el {label}, así que aún no puedo decirle qué cambió: cuando la "
    "municipalidad cargue la edición siguiente, le podré mostrar las diferencias."
)
EDITION_OLDER_NOTE = "📚 Según el {older}, una edición anterior (el plan vigente es el {current}):"
CHANGES_ZONA_TITLE = "Zona {n}: qué cambió del {old} al {new}"
CHANGES_LEAD = "Del {old} al {new}: {counts}."
CHANGES_ZONA_LEAD = "En la zona {n}, del {old} al {new}: {counts}."
CHANGES_NONE = (
    "No hay cambios: el {new} trae los mismos proyectos, montos, fuentes de financiamiento, metas, "
    "objetivos y acciones que el {old}."
)
CHANGES_ZONA_NONE = "En la zona {n} no hay cambios del {old} al {new}."
CHANGES_HOW_TO_READ = "Cada cambio se lee «{old} → {new}»."
CHANGES_TOTAL_CHANGED = "cambió el total del financiamiento"
CHANGES_SOURCE = "Fuente: {old} y {new} (comparación calculada de sus tablas y textos)"
CHANGE_COUNTS = {
    "projects_added": ("proyecto nuevo", "proyectos nuevos"),
    "projects_dropped": ("proyecto dejó de estar", "proyectos dejaron de estar"),
    "amounts_changed": ("monto cambió", "montos cambiaron"),
    "observations_changed": ("observación cambió", "observaciones cambiaron"),
    "zonas_changed": ("proyecto cambió de zona", "proyectos cambiaron de zona"),
    "funding_added": ("fuente de financiamiento nueva", "fuentes de financiamiento nuevas"),
    "funding_dropped": (
        "fuente de financiamiento dejó de estar",
        "fuentes de financiamiento dejaron de estar",
    ),
    "funding_changed": ("fuente cambió sus montos", "fuentes cambiaron sus montos"),
    "targets_added": ("meta nueva", "metas nuevas"),
    "targets_dropped": ("meta dejó de estar", "metas dejaron de estar"),
    "targets_values_changed": ("meta cambió sus valores", "metas cambiaron sus valores"),
    "targets_reworded": ("meta con otra redacción", "metas con otra redacción"),
    "operational_actions_added": ("acción operativa nueva", "acciones operativas nuevas"),
    "operational_actions_dropped": ("acción operativa dejó de estar", "acciones operativas dejaron de estar"),
    "operational_actions_reworded": (
        "acción operativa con otra redacción",
        "acciones operativas con otra redacción",
    ),
    "objectives_added": ("objetivo nuevo", "objetivos nuevos"),
    "objectives_dropped": ("objetivo dejó de estar", "objetivos dejaron de estar"),
    "objectives_reworded": ("objetivo con otra redacción", "objetivos con otra redacción"),
    "strategic_lines_added": ("línea estratégica nueva", "líneas estratégicas nuevas"),
    "strategic_lines_dropped": ("línea estratégica dejó de estar", "líneas estratégicas dejaron de estar"),
    "strategic_lines_reworded": (
        "línea estratégica con otra redacción",
        "líneas estratégicas con otra redacción",
    ),
    "action_lines_added": ("línea de acción nueva", "líneas de acción nuevas"),
    "action_lines_dropped": ("línea de acción dejó de estar", "líneas de acción dejaron de estar"),
    "action_lines_reworded": ("línea de acción con otra redacción", "líneas de acción con otra redacción"),
}
"""What the summary's first line counts, by the keys of knowledge.diff.change_counts."""
CHANGE_SECTIONS = {
    "projects_added": "Proyectos nuevos",
    "projects_dropped": "Proyectos que dejaron de estar",
    "amounts_changed": "Montos que cambiaron",
    "observations_changed": "Observaciones que cambiaron",
    "zonas_changed": "Proyectos que cambiaron de zona",
    "funding_added": "Fuentes de financiamiento nuevas",
    "funding_dropped": "Fuentes de financiamiento que dejaron de estar",
    "funding_changed": "Fuentes de financiamiento con otros montos",
    "funding_total": "Total del financiamiento",
    "targets_added": "Metas nuevas",
    "targets_dropped": "Metas que dejaron de estar",
    "targets_values_changed": "Metas con otros valores",
    "targets_reworded": "Metas con otra redacción",
    "operational_actions_added": "Acciones operativas nuevas",
    "operational_actions_dropped": "Acciones operativas que dejaron de estar",
    "operational_actions_reworded": "Acciones operativas con otra redacción",
    "objectives_added": "Objetivos nuevos",
    "objectives_dropped": "Objetivos que dejaron de estar",
    "objectives_reworded": "Objetivos con otra redacción",
    "strategic_lines_added": "Líneas estratégicas nuevas",
    "strategic_lines_dropped": "Líneas estratégicas que dejaron de estar",
    "strategic_lines_reworded": "Líneas estratégicas con otra redacción",
    "action_lines_added": "Líneas de acción nuevas",
    "action_lines_dropped": "Líneas de acción que dejaron de estar",
    "action_lines_reworded": "Líneas de acción con otra redacción",
}
CHANGE_ZONA = "zona {n}"
CHANGE_NO_ZONA = "sin zona"
CHANGE_PROJECT = "SNIP {snip} ({zona}): {amount}, {observation} — {name}"
CHANGE_PROJECT_AMOUNT = "SNIP {snip} ({zona}): {old} → {new} — {name}"
CHANGE_PROJECT_FIELD = "SNIP {snip}: {old} → {new} — {name}"
CHANGE_FIGURES = "{source}: {figures}"
CHANGE_FIGURE = "{label} {old} → {new}"
CHANGE_FIGURE_LABELS = {
    "available": "disponible",
    "investment": "inversión",
    "investment_pct": "% de inversión",
    "operating": "funcionamiento",
    "operating_pct": "% de funcionamiento",
}
CHANGE_TOTAL = "Total"
CHANGE_NO_TOTAL = "sin fila de total"
CHANGE_TARGET = "{tematica} — {target}"
CHANGE_TARGET_VALUES = "{tematica} — {measured}: {old} → {new}"
CHANGE_REWORDED = "{where}: «{old}» → «{new}»"
CHANGE_IN_TEMATICA = "{tematica}: {text}"
CHANGE_ACTION = "{number}. {text}"
CHANGE_ACTION_REWORDED = "{old_number}. «{old}» → {new_number}. «{new}»"
DIFF_BAD_ZONA = "No hay zona {n}: las zonas van de la {first} a la {last}."
DIFF_UNREADABLE = "No se pudieron comparar los planes. {file}: {problem}."
DIFF_NO_EDITION = (
    "no es un archivo ni una edición guardada: no hay ninguna del {year} en la base de datos "
    "(cárguela con «python -m bot load ARCHIVO»)"
)
LOAD_KEPT_OLDER = (
    "Edición guardada: {plan}, anterior al plan vigente ({current}). El bot sigue respondiendo "
    "con el vigente; las preguntas que nombran el año de esta edición se responden con ella."
)

# Loading an edition of the plan from Telegram (knowledge.edition_upload, handlers.editions) ---
# A staff member sends the plan document or its JSON export; the bot shows what it is and what
# changes, and loads it on "Cargar". The edition's identity ({municipality}, {year}, {pom},
# {zonas}) comes from the document itself; the {…_html} fields are escaped by the caller.
PLAN_UPLOAD_STAFF_ONLY = (
    "Gracias por el archivo. Solo el personal de la municipalidad puede cargar un plan nuevo; "
    "si tiene una pregunta sobre el plan, con gusto se la respondo por escrito."
)
PLAN_UPLOAD_TOO_BIG = (
    "El archivo pesa {size} y el máximo es {limit}. Un plan ocupa mucho menos: "
    "¿será otro archivo? No se cambió nada."
)
PLAN_UPLOAD_REFUSED = (
    "<b>No puedo cargar este plan.</b>\n{problem_html}.\n\n"
    "No se cambió nada: sigo respondiendo con el plan vigente. Corrija el archivo y envíemelo de nuevo."
)
PLAN_UPLOAD_PREVIEW = "<b>Vista previa del plan que envió</b>"
PLAN_IDENTITY = "Plan Operativo Anual {year} de la Municipalidad de {municipality}"
PLAN_UPLOAD_POM = "Plan Operativo Multianual: {pom}"
PLAN_UPLOAD_ZONAS = "Zonas: {zonas}"
PLAN_UPLOAD_COUNTS = "Trae {projects}, {funding}, {targets} y {actions}."
PLAN_UPLOAD_RECONCILES = (
    "✅ Los totales cuadran: cada fuente, el total del financiamiento y el TOTAL de proyectos suman "
    "lo que dicen."
)
PLAN_UPLOAD_ASK = (
    "¿Lo cargo como el plan vigente? Los vecinos que siguen una zona con cambios recibirán un aviso "
    "de lo que cambia en su zona."
)
PLAN_UPLOAD_CURRENT = "vigente"
PLAN_UPLOAD_FILE = "archivo"
BTN_LOAD = "Cargar"
PLAN_LOADED = "Listo: ya respondo con el {identity}. {notices}."
PLAN_LOADED_NOTICES = "Avisos en camino: {zonas} para {chats}"
PLAN_LOADED_NO_NOTICES = "Ninguna zona con cambios tiene seguidores, así que no hay avisos que enviar"
PLAN_KEPT_OLDER = (
    "Listo: guardé el {identity} como edición anterior. Sigo respondiendo con el {current}; "
    "las preguntas que nombran el año de la edición anterior se responden con ella."
)
PLAN_UPLOAD_OLDER = (
    "📌 Es de un año anterior al plan vigente ({current}): se guardará como edición anterior, "
    "para las preguntas que nombran su año. No se avisa a nadie."
)
PLAN_UPLOAD_REPLACES = "📌 Ya hay guardada una edición del {year}: esta la reemplazará."
PLAN_LOAD_NOT_YOURS = "Solo quien envió el archivo puede cargar este plan."
PLAN_LOAD_FAILED = (
    "No pude guardar el plan en este momento; sigo respondiendo con el plan vigente. "
    "Envíeme el archivo de nuevo en un rato."
)
PLAN_NOTICE_TITLE = "📄 Nuevo plan: {identity}"
PLAN_NOTICE_MORE = "Pregúnteme «proyectos zona {n}» para ver las obras de su zona en el plan nuevo."
PLAN_NOTICE_CUT = "… y más cambios: pregúnteme por su zona."
FUNDING_SOURCES = ("fuente de financiamiento", "fuentes de financiamiento")
TARGETS = ("meta", "metas")
OPERATIONAL_ACTIONS = ("acción operativa", "acciones operativas")
ZONAS_WITH_CHANGES = ("zona con cambios", "zonas con cambios")
# The plan explorer: the web pages of the Mini App (knowledge.explorer, handlers.webapp) ----------
# No year or municipality is written here: {year}, {municipality}, {horizon} and {plan} come from
# the loaded plan (knowledge.explorer.edition), so that another edition reads right.
WEB_PLAN = "Plan Operativo Anual {year} de la Municipalidad de {municipality}"
WEB_PLAN_NO_YEAR = "Plan Operativo Anual de la Municipalidad de {municipality}"
WEB_MUNICIPALITY_UNKNOWN = "su municipio"
WEB_BRAND = "Plan {year} · {municipality}"
WEB_SKIP = "Ir al contenido"
WEB_NAV_HOME = "Inicio"
WEB_NAV_FUNDING = "Financiamiento"
WEB_NAV_TARGETS = "Metas"
WEB_NAV_SEARCH = "Buscar"
WEB_NAV_LABEL = "Secciones del plan"
WEB_SOURCE = "Fuente"
WEB_SOURCES = "Fuentes"
WEB_BOT_LINK = "Pregúntele al bot en Telegram"
WEB_FOOTER = (
    "Las cifras son las del documento del plan, escritas como él las escribe. "
    "Los estados de avance los registra el personal municipal y se muestran aparte, con su fecha."
)

WEB_HOME_TITLE = "{plan}"
WEB_HOME_LEAD = (
    "Aquí puede ver, zona por zona, las obras del plan, de dónde viene el dinero y qué metas "
    "se propone el municipio para {horizon}."
)
WEB_HOME_WHAT = "¿Qué es el plan?"
WEB_HOME_OBJECTIVE = "Su objetivo"
WEB_HOME_TOTALS = "El dinero del plan en cifras"
WEB_HOME_COUNTS = "{projects}, {tematicas} y {targets} en el plan."
WEB_HOME_PROJECTS_TOTAL = "Proyectos con aporte del CODEDE (total de la tabla, proyectos 1 a {last})"
WEB_HOME_ZONAS = "Obras por zona"
WEB_HOME_ZONAS_LEAD = "Toque su zona para ver sus proyectos y su estado."
WEB_HOME_ZONA_LINK = "Zona {n}"
WEB_HOME_TEMATICAS = "Temas del plan"
WEB_HOME_TEMATICA_LINE = "{eje} · {targets}"
WEB_HOME_MORE_FUNDING = "Ver de dónde viene el dinero"
WEB_HOME_MORE_TARGETS = "Ver todas las metas para {horizon}"

WEB_ZONA_TITLE = "Zona {n} de {municipality}"
WEB_AMOUNT = "Monto {year}"
WEB_OBSERVATION = "Observación"
WEB_ZONA_PROJECTS = "Proyectos con aporte del CODEDE en la zona {n}"
WEB_ZONA_NONE = "El plan no lista proyectos con aporte del CODEDE en la zona {n}."
WEB_ZONA_OTHERS = "Hay proyectos listados en las zonas:"
WEB_ZONA_SUM = "Suma de sus {projects}: {amount} (calculada de las filas del plan)."
WEB_ZONA_CHART = "Monto {year} de cada proyecto de la zona {n}"
WEB_ZONA_MENTIONS = "Otras partes del plan que nombran la zona {n}"
WEB_ZONA_EVERY = "Acciones del plan para todas las zonas"
WEB_ZONA_NOT_FOUND = "{municipality} tiene zonas de la {first} a la {last}. Elija una:"

WEB_PROJECT_TITLE = "Proyecto SNIP {snip}"
WEB_PROJECT_STATUS = "Cómo va (dato ingresado por el personal municipal)"
WEB_PROJECT_STATUS_NONE = "El personal municipal todavía no ha registrado avance de este proyecto."
WEB_PROJECT_TIMELINE = "Historial de estados"
WEB_PROJECT_PROGRESS = "Avance: {progress}%"
WEB_PROJECT_UPDATED = "actualizado el {date}"
WEB_PROJECT_FOLLOW = "🔔 Seguir en Telegram"
WEB_PROJECT_FOLLOW_NOTE = "El bot le avisará cuando el personal registre un cambio."
WEB_PROJECT_ZONA = "Ver la zona {n}"
WEB_PROJECT_NOT_FOUND = "El código SNIP {snip} no está entre los proyectos del plan."

WEB_STATUS_LINE = "{status}{progress}"
WEB_STATUS_NONE = "Sin avance registrado"

WEB_FUNDING_TITLE = "¿De dónde viene el dinero del plan {year}?"
WEB_FUNDING_LEAD = "Cada fuente de dinero, con lo que el plan destina a inversión y a funcionamiento."
WEB_FUNDING_CHART = "Disponible {year} por fuente: inversión y funcionamiento"
WEB_FUNDING_SOURCE = "Fuente"
WEB_FUNDING_AVAILABLE = "Disponible {year}"
WEB_FUNDING_INVESTMENT = "Inversión"
WEB_FUNDING_OPERATING = "Funcionamiento"
WEB_FUNDING_TOTAL = "Total"
WEB_FUNDING_SHARE = "{amount} ({pct})"

WEB_TARGETS_TITLE = "Metas para {horizon}"
WEB_TARGETS_LEAD = (
    "Los resultados que el plan de desarrollo se propone para {horizon}, por tema: de dónde se "
    "parte y a dónde se quiere llegar."
)
WEB_TARGETS_BASELINE = "Partida {year}"
WEB_TARGETS_GOAL = "Meta {year}"
WEB_TARGETS_GOAL_ONLY = "Meta para {year}"
WEB_TARGETS_NO_BAR = "Las dos cifras no se miden igual, por eso no se dibujan como barra."
WEB_TARGETS_FULL_TEXT = "Texto completo del plan"

WEB_SEARCH_TITLE = "Buscar en el plan"
WEB_SEARCH_LABEL = "¿Qué quiere saber?"
WEB_SEARCH_PLACEHOLDER = "proyectos zona 6, meta de basura…"
WEB_SEARCH_BUTTON = "Buscar"
WEB_SEARCH_EXAMPLES = "Por ejemplo:"
WEB_SEARCH_EXAMPLE_QUESTIONS = (
    "¿Qué obras hay en la zona 10?",
    "¿Cuánto dinero viene del IUSI?",
    "meta de recolección de basura",
)
WEB_SEARCH_RESULTS = "Respuesta a «{q}»"
WEB_SEARCH_OPEN = "Ver en el plan"
WEB_SEARCH_TOO_LONG = "La búsqueda es demasiado larga: escríbala en {limit} caracteres o menos."
WEB_SEARCH_UNSURE = "Es la misma respuesta que da el bot; si no es lo que buscaba, pruebe con otras palabras."

WEB_NOT_FOUND_TITLE = "No encontramos esa página"
WEB_NOT_FOUND = "La dirección no corresponde a ninguna página del plan. Puede empezar desde el inicio."
WEB_NOT_FOUND_HOME = "Ir al inicio"
WEB_UNAVAILABLE_TITLE = "No pudimos mostrar esta página ahora"
WEB_UNAVAILABLE = "Intente de nuevo en unos segundos."

BTN_WEBAPP = "🗺️ Ver el plan"

# Nouns of the explorer's counts
WEB_PROJECTS = ("proyecto", "proyectos")
WEB_TEMATICAS = ("tema", "temas")
WEB_TARGETS = ("meta", "metas")


class EditionTexts:
    """The texts that name the edition, as templates; an instance (from :func:`texts`) has the
    edition's fields filled in, and ``str.format`` fields such as ``{n}`` left for the caller."""

    PLAN_NAME = "Plan Operativo Anual {poa_year} de la Municipalidad de {municipality}"
    SOURCE_PREFIX = "Fuente: {poa}"
    WELCOME = (
        "¡Bienvenido! Soy el asistente del {plan}.\n"
        "Pregúnteme por las obras de su zona, el dinero del plan o las metas para {pdmot_year}. "
        "Puede escribir como le salga, por ejemplo: «proyectos zona 6» o «meta de basura»."
    )
    GREETING_LINE = (
        "Pregúnteme por las obras de su zona, el presupuesto {poa_year} "
        "o las metas del plan para {pdmot_year}."
    )
    ZONA_OUT_OF_RANGE = "{municipality} tiene zonas {zonas_span}. ¿De cuál zona quiere saber?"
    ZONA_TITLE = "Zona {n} de {municipality}"
    ZONA_PROJECTS = "Proyectos del {poa} en la zona {n} (aporte CODEDE):"
    ZONA_NO_PROJECTS = (
        "En la zona {n} no hay proyectos con aporte del Consejo Departamental de Desarrollo "
        "listados en el {poa}."
    )
    PROJECT_NOT_FOUND = (
        "El código SNIP {snip} no está entre los proyectos del {poa}. "
        "Revise el número o vea la lista de proyectos."
    )
    FACT_AMOUNT = "Monto {poa_year}"
    FUNDING_TITLE = "{source}: financiamiento {poa_year}"
    FACT_AVAILABLE = "Disponible {poa_year}"
    FUNDING_TOTAL_TITLE = "Presupuesto total {poa_year}"
    FUNDING_LIST_TITLE = "¿De dónde viene el dinero del plan {poa_year}?"
    TARGET_TITLE = "Meta {pdmot_year} · {tematica}"
    TARGETS_TITLE = "Metas {pdmot_year} del plan"
    TEMATICA_TARGETS = "Metas {pdmot_year}:"
    TEMATICAS_TITLE = "Temas del plan (PDM-OT {pdmot})"
    GROUP_LABELS: Mapping[str, str] = MappingProxyType(
        {
            "project": "Proyectos {poa_year}",
            "target": "Metas {pdmot_year}",
            "funding": "Financiamiento",
            "objective": "Objetivos",
            "strategic_line": "Líneas estratégicas",
            "action_line": "Líneas de acción",
            "operational_action": "Acciones operativas {poa_year}",
            "problem": "Problemáticas",
            "potentiality": "Potencialidades",
            "pom_line": "Líneas del POM {pom_period}",
            "policy_item": "Políticas de seguridad",
            "policy_axis": "Políticas de seguridad",
            "actor": "Actores",
            "tematica": "Temas del plan",
        }
    )
    KIND_TITLES: Mapping[str, str] = MappingProxyType(
        {
            "objective": "Objetivo del plan",
            "strategic_line": "Línea estratégica",
            "action_line": "Línea de acción",
            "operational_action": "Acción operativa del {poa}",
            "problem": "Problemática del municipio",
            "potentiality": "Potencialidad del municipio",
            "pom_line": "Línea estratégica del POM {pom_period}",
        }
    )
    LIST_TITLES: Mapping[str, str] = MappingProxyType(
        {
            "projects": "Proyectos con aporte del Consejo Departamental de Desarrollo (CODEDE) {poa_year}",
            "funding": "¿De dónde viene el dinero del plan {poa_year}?",
            "problems": "Problemáticas del municipio",
            "potentialities": "Potencialidades del municipio",
            "actors": "Actores presentes en el municipio",
            "laws": "Marco legal del plan",
            "operational_actions": "Acciones operativas del {poa}",
            "tematicas": "Temas del plan: temáticas del PDM-OT {pdmot}",
            "targets": "Metas {pdmot_year} del PDM-OT (Resultados)",
            "objectives": "Objetivos del PDM-OT {pdmot}",
            "strategic_lines": "Líneas estratégicas del PDM-OT",
            "action_lines": "Líneas de acción del PDM-OT",
            "pom_lines": "Líneas estratégicas del POM {pom_period}",
            "governance": "Ranking de la gestión municipal: índices",
            "policies": "Políticas públicas municipales de seguridad",
            "ejes": "Ejes del PDM-OT {pdmot}",
        }
    )
    COMPARE_TITLE = "Comparación de montos {poa_year}"
    TOTAL_PART = "{part} en {poa_year}: {amount}, de un total disponible de {total}."
    MAX_PROJECT = "El proyecto con más dinero en {poa_year} es el SNIP {snip}: {amount}."
    MIN_PROJECT = "El proyecto con menos dinero en {poa_year} es el SNIP {snip}: {amount}."
    RANKED_PROJECT = (
        "El proyecto número {rank} con {most} dinero en {poa_year} es el SNIP {{snip}}: {{amount}}."
    )
    MAX_ZONA = (
        "La zona {n} es la que recibe más dinero del CODEDE en {poa_year}: {amount} (suma de {projects})."
    )
    WHOLE_COST_NOT_IN_PLAN = (
        "El plan solo da lo que este proyecto recibe en {poa_year}, no lo que costará sumando todos sus años:"
    )
    YEAR_NOT_IN_PLAN = (
        "El plan no trae datos para {year}: sus cifras son del presupuesto {poa_year} "
        "y sus metas llegan a {pdmot_year}."
    )
    ZONAS_TITLE = "Zonas {zonas} de {municipality}"
    ZONAS_PROJECTS = "Proyectos del {poa} en las zonas {zonas} (aporte CODEDE):"
    GROUP_WINNER = (
        "Los proyectos de «{words}» son los que {most} dinero tienen en {poa_year} "
        "(sumas calculadas de las filas del plan):"
    )
    ZONA_RANKING = "Zonas por dinero del CODEDE en {poa_year} (sumas calculadas de las filas del plan):"
    ZONA_SUM = (
        "Zona {n}: {amount} en {poa_year}, suma de los {count} proyectos listados "
        "(calculada de las filas del plan)."
    )
    ZONA_SUM_ONE = "Zona {n}: {amount} en {poa_year}, el monto de su único proyecto listado."
    WHEN_CARRY = "ARRASTRE: viene de años anteriores y sigue en el {poa}; el plan no da fecha de fin."
    WHEN_NEW = "{observation}: es un proyecto nuevo en el {poa}; el plan no da fecha de fin."
    BTN_TARGETS = "Metas {pdmot_year}"
    ZONA_PICK = "¿De qué zona quiere saber? {municipality} tiene zonas {zonas_span}."
    FUNDING_CHART_CAPTION = "Disponibilidad financiera {poa_year} por fuente: inversión y funcionamiento."
    ZONA_CHART_CAPTION = "Zona {n}: monto {poa_year} de cada proyecto con aporte del CODEDE."
    CHART_FUNDING_TITLE = "Disponibilidad financiera {poa_year} por fuente"
    CHART_ZONA_TITLE = "Zona {zona}: monto {poa_year} por proyecto (CODEDE)"
    COMMANDS = (
        ("zona", "Obras y proyectos de una zona"),
        ("proyecto", "Buscar un proyecto por SNIP o nombre"),
        ("proyectos", "Todos los proyectos {poa_year}"),
        ("temas", "Temas del plan"),
        ("metas", "Metas para {pdmot_year}"),
        ("financiamiento", "De dónde viene el dinero"),
        ("plan", "Visión, misión y objetivo"),
        ("ayuda", "Cómo usar el bot"),
    )

    ANNOUNCE_BAD_ZONA = (
        "{municipality} no tiene zona {n}: tiene zonas {zonas_span}. "
        "Por ejemplo: /anunciar zona 6 texto del anuncio"
    )
    ANNOUNCE_HEADER = "📢 <b>Municipalidad de {municipality_html}</b>\n"

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        fields = edition_fields(edition)
        for name, template in vars(EditionTexts).items():
            if name.isupper():
                setattr(self, name, _filled(template, fields))

    def cite(self, section: Section) -> str:
        """Where an answer comes from: the source prefix ("Fuente: {poa}") and the section's headings."""
        return SOURCE_SEPARATOR.join((self.SOURCE_PREFIX, *section))


@lru_cache(maxsize=16)
def texts(edition: Edition) -> EditionTexts:
    """The catalogue's texts for one edition of the plan (made once per edition)."""
    return EditionTexts(edition)


def _filled(template: Any, fields: dict[str, str | None]) -> Any:
    """A template (a text, or a tuple or dict of them) with the edition's fields filled in."""
    if isinstance(template, str):
        filled = fill(template, fields)
        if filled is None:
            raise ValueError(f"a catalogue text names a field this edition does not give: {template!r}")
        return filled
    if isinstance(template, tuple):
        return tuple(_filled(item, fields) for item in template)
    if isinstance(template, Mapping):
        return MappingProxyType({key: _filled(value, fields) for key, value in template.items()})
    return template


# The staff console: the Mini App pages for staff (knowledge.console, handlers.webapp.console) ----
# Opened from the menu button of each staff member's private chat; every call it makes is checked
# against Telegram's signed initData and the staff role.
CONSOLE_MENU_BUTTON = "Consola"
CONSOLE_TITLE = "Consola del personal"
CONSOLE_NAV_LABEL = "Secciones de la consola"
CONSOLE_NAV_PROJECTS = "Proyectos"
CONSOLE_NAV_ANNOUNCE = "Anuncios"
CONSOLE_NAV_REPORT = "Reporte"
CONSOLE_NAV_EDITION = "Edición del plan"
CONSOLE_NAV_TEAM = "Equipo"
CONSOLE_LEAD = "Solo para el personal municipal. Cada cambio queda en el registro con su nombre."
CONSOLE_NO_SCRIPT = (
    "La consola necesita JavaScript: ábrala desde el botón «Consola» del menú, en su chat privado con el bot."
)
CONSOLE_LOADING = "Cargando…"
CONSOLE_SIGNED_IN = "Conectado como {name}."
CONSOLE_OUTSIDE_TELEGRAM = (
    "Abra la consola desde el botón «Consola» del menú, en su chat privado con el bot: así Telegram "
    "confirma quién es usted."
)
CONSOLE_UNAUTHORIZED = (
    "Telegram no confirmó quién es usted, o su sesión venció. Cierre la consola y ábrala otra vez "
    "desde el menú del bot."
)
CONSOLE_FORBIDDEN = "Esta consola es solo para el personal de la municipalidad."
CONSOLE_OFF = "La consola no está disponible en este servidor (falta TELEGRAM_TOKEN)."
CONSOLE_UNAVAILABLE = "No pudimos hacerlo ahora. Intente de nuevo en unos segundos."
CONSOLE_NETWORK = "No hubo respuesta del servidor. Revise su conexión e intente de nuevo."
CONSOLE_BAD_REQUEST = "No se entendió la solicitud. Recargue la página e intente de nuevo."
CONSOLE_TOO_BIG = "Es demasiado grande para enviarlo (máximo 1 MB)."
CONSOLE_JSON_TOO_BIG = "Es demasiado largo para enviarlo (máximo {limit})."
CONSOLE_ADMIN_ONLY = "Esta sección es solo para los administradores del personal."
CONSOLE_NOT_FOUND = "Eso no existe en la consola."
CONSOLE_REPLAYED = "Esa acción ya se había aplicado; no se repitió."
CONSOLE_NOTHING = "Nada por ahora."

CONSOLE_TEAM_TITLE = "Equipo del personal"
CONSOLE_TEAM_LEAD = (
    "Quién puede usar los comandos del personal y esta consola. Es lo mismo que /staff en el chat: "
    "solo un administrador agrega o quita, y cada cambio queda en el registro."
)
CONSOLE_TEAM_MEMBER = "{name} · {user_id}"
CONSOLE_TEAM_YOU = "{title} (usted)"
CONSOLE_TEAM_ROLES = {
    "configured": "Administrador (configuración del bot)",
    "admin": "Administrador",
    "staff": "Personal",
}
CONSOLE_TEAM_ADDED_BY = "Alta: {date}, por {who}"
CONSOLE_TEAM_ADDED = "Alta: {date}"
CONSOLE_TEAM_CONFIGURED = "Lo fija ADMIN_IDS, en la configuración del bot: no se quita desde aquí."
CONSOLE_TEAM_SELF = "Usted no puede quitarse a sí mismo: otro administrador puede hacerlo."
CONSOLE_TEAM_CONFIRM = "¿Quitar a {who} del personal? Dejará de ver los comandos del personal y la consola."
CONSOLE_TEAM_ADD_TITLE = "Agregar a alguien"
CONSOLE_TEAM_ADD_LEAD = (
    "Escriba el número de usuario de Telegram de la persona (solo cifras). Al agregarla, su chat con el bot "
    "muestra los comandos del personal y el botón «Consola»; al quitarla, dejan de aparecer."
)
CONSOLE_TEAM_ID = "Número de usuario de Telegram"
CONSOLE_TEAM_ADD = "Agregar"
CONSOLE_TEAM_REMOVE = "Quitar"
CONSOLE_TEAM_REMOVE_YES = "Sí, quitar"
CONSOLE_TEAM_BAD_ID = "Escriba el número de usuario de Telegram: solo cifras, por ejemplo 123456789."

CONSOLE_PROJECTS_TITLE = "Estado de los proyectos"
CONSOLE_PROJECTS_LEAD = (
    "Cambie el estado, el avance o la nota y toque Guardar. Es lo mismo que /estado en el chat: "
    "queda en el historial y se avisa a quienes siguen el proyecto o su zona."
)
CONSOLE_PROJECT_ZONA = "Zona {n}"
CONSOLE_PROJECT_NO_ZONA = "Sin zona"
CONSOLE_FIELD_STATUS = "Estado"
CONSOLE_FIELD_PROGRESS = "Avance (%)"
CONSOLE_FIELD_NOTE = "Nota"
CONSOLE_SAVE = "Guardar"
CONSOLE_SAVING = "Guardando…"
CONSOLE_CURRENT = "{status}{progress} · {date} · {author}"
CONSOLE_HISTORY = "Historial"
CONSOLE_HISTORY_LINE = "{date} · {author}"
CONSOLE_HISTORY_STATUS = "{status}{progress}"

CONSOLE_ANNOUNCE_TITLE = "Enviar un anuncio"
CONSOLE_ANNOUNCE_LEAD = (
    "Escriba el anuncio y elija a quién va: verá cómo lo recibirán en Telegram y a cuántos chats "
    "llega antes de enviarlo. Es lo mismo que /anunciar en el chat."
)
CONSOLE_AUDIENCE = "¿A quién va?"
CONSOLE_AUDIENCE_ALL = "Todos los chats"
CONSOLE_AUDIENCE_ZONAS = "Quienes siguen una zona"
CONSOLE_AUDIENCE_ZONA = "Zona {n}"
CONSOLE_AUDIENCE_PROJECTS = "Quienes siguen un proyecto"
CONSOLE_AUDIENCE_PROJECT = "Proyecto {snip}"
CONSOLE_TEXT = "Texto del anuncio"
CONSOLE_PREVIEW = "Así lo verán en Telegram"
CONSOLE_RECIPIENTS = "Llega a {recipients} ({audience})."
CONSOLE_ANNOUNCE_EMPTY = "Escriba el texto del anuncio."
CONSOLE_BAD_AUDIENCE = "Elija a quién va el anuncio: todos, una zona de la 1 a la 11 o un proyecto del plan."
CONSOLE_PREPARE = "Revisar y enviar"
CONSOLE_CONFIRM = "Confirme el envío a {recipients} ({audience}):"
CONSOLE_SEND = "Enviar ahora"
CONSOLE_CANCEL = "Cancelar"
CONSOLE_DELIVERY = "Entrega del anuncio #{id}"
CONSOLE_DELIVERY_COUNTS = "Enviados {sent} de {total} · pendientes {pending} · no entregados {failed}"
CONSOLE_DELIVERY_PROBLEMS = "Por qué no se entregaron:"
CONSOLE_PROBLEM_FAILED = "Falló: {reason}"
CONSOLE_PROBLEM_INACTIVE = "El chat bloqueó el bot o ya no existe: {reason}"
CONSOLE_PROBLEM_COUNT = "{reason} ({count})"
CONSOLE_RECENT = "Envíos recientes"
CONSOLE_BROADCAST_LINE = "#{id} · {kind} · {date} · {audience} · {state}"
CONSOLE_BROADCAST_KINDS = {
    "announcement": "Anuncio",
    "status": "Aviso de estado",
    "report_reviewed": "Reporte revisado",
    "plan_edition": "Aviso de la nueva edición",
}
CONSOLE_BROADCAST_STATES = {
    "draft": "borrador",
    "sending": "enviando",
    "done": "terminado",
    "cancelled": "cancelado",
}

CONSOLE_REPORT_TITLE = "Reporte"
CONSOLE_REPORT_LEAD = "Lo que preguntan los vecinos (últimos 90 días), sus opiniones y sus reportes."
CONSOLE_UNANSWERED_CHART = "Preguntas sin respuesta por zona"
CONSOLE_UNANSWERED = "Preguntas sin respuesta"
CONSOLE_UNANSWERED_LINE = "{zona}: «{question}» ({times})"
CONSOLE_TOPICS = "Temas más consultados"
CONSOLE_FEEDBACK = "Opiniones sobre las respuestas"
CONSOLE_FEEDBACK_LINE = "👍 {up} · 👎 {down}"
CONSOLE_SUBSCRIPTIONS = "Suscripciones"
CONSOLE_LATE = "Proyectos atrasados o sin actualizar"
CONSOLE_GROUND = "Reportes de vecinos sin revisar"
CONSOLE_GROUND_LINE = "#{id} · proyecto {snip} · {date}"
CONSOLE_REVIEWED = "Revisado"
CONSOLE_REVIEWED_DONE = "Reporte #{id} marcado como revisado; se le avisa a quien lo envió."
CONSOLE_EXPORT = "Descargar CSV de estados"
CONSOLE_EXPORT_NOTE = "Si su teléfono no descarga el archivo, pídalo en el chat con /exportar."
CONSOLE_CSV_TITLE = "Actualizar varios proyectos con un CSV"
CONSOLE_CSV_LEAD = (
    "Columnas SNIP, estado, avance, nota (máximo 1 MB). Verá cada fila lista y cada rechazada con su "
    "motivo; nada cambia hasta que toque «Aplicar». Es lo mismo que enviar el archivo en el chat."
)
CONSOLE_CSV_FILE = "Archivo CSV"
CONSOLE_CSV_READ = "Revisar archivo"
CONSOLE_CSV_SUMMARY = "{ok}, {bad}."
CONSOLE_DISCARD = "Descartar"

CONSOLE_EDITION_TITLE = "Edición del plan"
CONSOLE_EDITION_LEAD = (
    "Con qué plan responde el bot, qué ediciones tiene guardadas, y la carga del plan de otro año."
)
CONSOLE_EDITION_NOW = "El bot responde con el {identity}."
CONSOLE_EDITION_KEPT = "Ediciones guardadas"
CONSOLE_EDITION_KEPT_LINE = "{label} · cargada el {date}"
CONSOLE_EDITION_KEPT_CURRENT = "{label} · vigente · cargada el {date}"
CONSOLE_EDITION_UPLOAD_TITLE = "Cargar otra edición"
CONSOLE_EDITION_UPLOAD_LEAD = (
    "El documento del plan (.txt) o su exportación (.json), de hasta {limit}. Verá qué plan es, si sus "
    "totales cuadran y qué cambia frente al vigente; nada cambia hasta que toque «Cargar». Es lo mismo "
    "que enviar el archivo al bot en el chat."
)
CONSOLE_EDITION_FILE = "Archivo del plan (.txt o .json)"
CONSOLE_EDITION_READ = "Revisar el plan"
CONSOLE_EDITION_READING = "Leyendo el plan…"
CONSOLE_EDITION_PREVIEW = "Vista previa del plan que subió"
CONSOLE_EDITION_REFUSED = "No se puede cargar este plan."
CONSOLE_EDITION_UNCHANGED = (
    "No se cambió nada: el bot sigue respondiendo con el plan vigente. Corrija el archivo y súbalo de nuevo."
)
CONSOLE_EDITION_TOO_BIG = (
    "El archivo pasa del máximo de {limit}. Un plan ocupa mucho menos: ¿será otro archivo? No se cambió nada."
)
CONSOLE_EDITION_LOADED = "Listo: el bot ya responde con el {identity}. {notices}."
CONSOLE_EDITION_KEPT_OLDER = (
    "Listo: el {identity} quedó guardado como edición anterior, no como el plan vigente. El bot sigue "
    "respondiendo con el {current}; las preguntas que nombran el año {year} se responden con esa "
    "edición. No se avisó a nadie."
)
CONSOLE_EDITION_FAILED = (
    "No se pudo guardar el plan en este momento; el bot sigue respondiendo con el plan vigente. "
    "Súbalo de nuevo en un rato."
)
