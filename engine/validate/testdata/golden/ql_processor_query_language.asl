{
 "StartAt": "M",
 "States": {
  "M": {
   "Type": "Map",
   "ItemProcessor": {
    "QueryLanguage": "JSONata",
    "StartAt": "P",
    "States": {
     "P": {
      "Type": "Pass",
      "End": true
     }
    }
   },
   "End": true
  }
 }
}