{
 "StartAt": "W",
 "States": {
  "W": {
   "Type": "Wait",
   "End": true
  }
 }
}