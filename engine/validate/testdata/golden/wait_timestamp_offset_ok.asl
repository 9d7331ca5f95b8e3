{
 "StartAt": "W",
 "States": {
  "W": {
   "Type": "Wait",
   "Timestamp": "2016-03-14T01:59:00+01:00",
   "End": true
  }
 }
}